// evaluate: zero-shot image captioning, image QA, video captioning and video QA of trained
// adapters (each an alignment stage's final checkpoint) on the experiment's eval sets. Metrics go
// to the metrics table as `<adapter>/eval/<set>/<metric>` at the adapter's step; predictions and
// references go to artifacts `<adapter>/<set>/{results,annotations,questions}.json`, in the COCO /
// VQA formats `vadapter eval caption|vqa` reads, and (QA) the predicted-answer histogram to
// `<adapter>/<set>/answers.json`.
import { z } from 'zod';
import { initBackend } from '../backend/index.ts';
import { readEvalRows } from '../data/eval-sets.ts';
import type { TextTokenizer } from '../data/tokenizer.ts';
import { isVlmConfigs } from '../eval/decode/step-model.ts';
import { majority } from '../eval/files/write.ts';
import { nameSchema } from '../config/schema.ts';
import { userError } from '../util/errors.ts';
import { restoreTrainedAssembly, storeRootOf } from './assembly-io.ts';
import { DEFAULT_ANSWER_STOP, DEFAULT_SHOT, fewShotText, templateIssue, type QaShot } from '../eval/prompts.ts';
import { EVAL_TASKS, type EvalTask } from '../eval/tasks.ts';
import { evaluateAssembly, metricRecord, taskFiles, type EvalSetRef, type EvaluationOptions } from '../eval/evaluate-assembly.ts';
import { evalSetDir, experimentTokenizer, framesPerExample, resolveEvalSets, tokenizerDigest } from './experiment-data.ts';
import type { StageContext, StageExperiment, StageKind, UpstreamRef } from './types.ts';

const taskRecord = <T extends z.ZodType>(value: T) => z.strictObject(Object.fromEntries(EVAL_TASKS.map((t) => [t, value.optional()])) as Record<EvalTask, z.ZodOptional<T>>);

const shotSchema = z.strictObject({ question: z.string().min(1), answer: z.string().min(1) });

const configSchema = z
  .strictObject({
    adapters: z.array(nameSchema).min(1), // alignment stages whose final checkpoints are evaluated
    tasks: z.array(z.enum(EVAL_TASKS)).min(1).default([...EVAL_TASKS]),
    sets: taskRecord(nameSchema).default({}), // task -> eval set name under data.eval (defaults: coco, vqav2, msrvtt, msrvtt-qa)
    limit: z.number().int().positive().optional(), // the first N examples of each set
    batchSize: z.number().int().positive().default(16),
    method: z.enum(['greedy', 'beam']).default('greedy'), // the paper decodes greedily
    beams: z.number().int().positive().default(4),
    lengthPenalty: z.number().nonnegative().default(0),
    maxTokens: z.number().int().positive().default(24), // generated tokens at most, <eos> included
    prompts: taskRecord(z.string()).default({}), // templates overriding the paper's
    shot: z.string().default(DEFAULT_SHOT), // how a few-shot example reads
    answerStop: z.array(z.string().min(1)).default(DEFAULT_ANSWER_STOP), // QA: words that end an answer besides <eos> (a word the tokenizer splits ends it when all its tokens are generated)
    fewShot: z.union([z.array(shotSchema), z.strictObject({ set: nameSchema, examples: z.number().int().positive() })]).optional(),
  })
  .superRefine((c, ctx) => {
    for (const [task, template] of Object.entries(c.prompts) as [EvalTask, string | undefined][]) {
      const issue = template === undefined ? undefined : templateIssue(task, template);
      if (issue) ctx.addIssue({ code: 'custom', message: issue, path: ['prompts', task] });
    }
  });
type Config = z.output<typeof configSchema>;

const references = { adapters: { produces: ['adapter', 'captioner'], list: true } } as const;
type References = typeof references;

function evalSets(config: Config, experiment: StageExperiment): EvalSetRef[] {
  return resolveEvalSets(config.tasks, config.sets, experiment, ['sets']);
}

/** The vqa-eval set the few-shot examples come from, if they come from one. */
function fewShotSetDir(config: Config, experiment: StageExperiment): string | undefined {
  const f = config.fewShot;
  return f && !Array.isArray(f) ? evalSetDir(experiment, f.set, ['fewShot', 'set']) : undefined;
}

/** The few-shot QA examples: as listed, or the first N rows of a vqa-eval set (the most frequent human answer). */
async function fewShotExamples(config: Config, experiment: StageExperiment): Promise<QaShot[]> {
  const f = config.fewShot;
  if (!f || Array.isArray(f)) return f ?? [];
  const shots: QaShot[] = [];
  for await (const row of readEvalRows(fewShotSetDir(config, experiment)!, 'vqa-eval', { verify: experiment.data.verify })) {
    if (shots.length === f.examples) break;
    shots.push({ question: row.question as string, answer: majority(row.answers as string[]) });
  }
  return shots;
}

function checkpointOf(ref: UpstreamRef, index: number): NonNullable<UpstreamRef['checkpoint']> {
  if (ref.checkpoint) return ref.checkpoint;
  throw userError('missing_checkpoint', `stage "${ref.stage}" saved no checkpoint to evaluate`, { path: ['adapters', index] });
}

interface Shared {
  tokenizer: TextTokenizer;
  sets: EvalSetRef[];
  options: EvaluationOptions;
}

/** Evaluate adapter `index` on every set. */
async function evaluateAdapter(ctx: StageContext<Config, References>, ref: UpstreamRef, index: number, shared: Shared): Promise<void> {
  const checkpoint = checkpointOf(ref, index);
  const { assembly, configs } = restoreTrainedAssembly(checkpoint.dir, storeRootOf(ref));
  try {
    if (!isVlmConfigs(configs)) throw userError('not_a_vlm', `stage "${ref.stage}" (${ref.kind}) trained a ${configs.kind} assembly, which does not generate text from frames`, { path: ['adapters', index] });
    for (const [j, set] of shared.sets.entries()) {
      const [r] = await evaluateAssembly(assembly, configs, shared.tokenizer, [set], shared.options);
      ctx.metrics.log(checkpoint.step, metricRecord([r], `${ref.stage}/eval/`));
      for (const [name, text] of Object.entries(taskFiles(r))) ctx.artifacts.save(`${ref.stage}/${r.set}/${name}`, text);
      ctx.log(`${ref.stage} @ step ${checkpoint.step}, ${r.set} (${r.task}, ${r.examples} examples): ${Object.entries(r.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}`);
      ctx.progress(index * shared.sets.length + j + 1, ctx.totalSteps);
    }
  } finally {
    assembly.dispose();
  }
}

async function run(ctx: StageContext<Config, References>): Promise<void> {
  const { config, experiment } = ctx;
  await initBackend(experiment.backend);
  const shared: Shared = {
    tokenizer: experimentTokenizer(experiment),
    sets: evalSets(config, experiment),
    options: {
      frames: framesPerExample(experiment),
      batchSize: config.batchSize,
      limit: config.limit,
      decoding: { method: config.method, beams: config.beams, lengthPenalty: config.lengthPenalty, maxTokens: config.maxTokens },
      prompts: config.prompts,
      shot: config.shot,
      answerStop: config.answerStop,
      fewShot: await fewShotExamples(config, experiment),
      signal: ctx.signal,
    },
  };
  if (shared.options.fewShot!.length > 0) ctx.log(`few-shot QA prefix: ${fewShotText(shared.options.fewShot!, config.shot)}`);
  for (const [i, ref] of ctx.upstream.adapters.entries()) await evaluateAdapter(ctx, ref, i, shared);
}

export const evaluate: StageKind<Config, References> = {
  kind: 'evaluate',
  describe: 'zero-shot captioning / VQA / video captioning / video QA of trained adapters on the eval sets (metrics, COCO/VQA result files)',
  configSchema,
  references,
  inputs: (_config, experiment) => ({ frames: framesPerExample(experiment), tokenizer: tokenizerDigest(experiment) }),
  datasets: (config, experiment) => [...evalSets(config, experiment).map((s) => s.dir), fewShotSetDir(config, experiment)].filter((d) => d !== undefined),
  totalSteps: (config) => config.adapters.length * config.tasks.length,
  run,
};
