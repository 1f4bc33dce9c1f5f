// Keys shared by the alignment stages (stage 1, stage 2, the resampler baseline): the frozen
// vision stage, the prompt around the visual tokens, the decoder's mask over the prompt, and
// generation metrics measured during training (CIDEr / accuracy curves beside the loss curves).
import { z } from 'zod';
import type { StageExperiment } from '../types.ts';
import type { EvalSetRef } from '../../eval/evaluate-assembly.ts';
import { CAPTION_PROMPT, EVAL_TASKS } from '../../eval/tasks.ts';
import { resolveEvalSets } from '../experiment-data.ts';
import { trainingDatasets } from './stage-inputs.ts';
import { trainingShape, type ValidationOptions } from './training-options.ts';

export const duringTrainingEvalSchema = z.strictObject({
  every: z.number().int().positive(), // steps between evaluations (and after the last)
  limit: z.number().int().positive().default(32), // the first N examples of each set: a fixed subset
  tasks: z.array(z.enum(EVAL_TASKS)).min(1).default(['caption', 'vqa']),
  sets: z.partialRecord(z.enum(EVAL_TASKS), z.string().min(1)).default({}), // task -> eval set (defaults coco, vqav2, msrvtt, msrvtt-qa)
  maxTokens: z.number().int().positive().default(24), // generated tokens at most (greedy, as the paper)
});
export type DuringTrainingEval = z.output<typeof duringTrainingEvalSchema>;

export const alignmentShape = {
  vision: z.string().min(1), // the pretrain-vision stage whose ViT is frozen here
  prompt: z.string().default(CAPTION_PROMPT),
  decoderMask: z.enum(['causal', 'prefix']).default('causal'), // how the decoder attends over the prompt
  eval: duringTrainingEvalSchema.optional(),
  ...trainingShape,
};

/** The reference every alignment stage makes: the stage whose ViT is frozen here. */
export const alignmentReferences = { vision: { produces: ['vision'] } } as const;

/** Keys of the stages whose adapter feeds a frozen LLM (stage 2 and the baseline). */
export const frozenLlmShape = {
  llm: z.string().min(1), // the pretrain-lm stage whose LM is the frozen LLM
  visualNorm: z.enum(['embedding', 'none']).default('embedding'), // visual tokens at the LLM's token-embedding scale, or as the FC gives them
};

export const frozenLlmReferences = { llm: { produces: ['lm'] } } as const;

export function duringTrainingSets(e: DuringTrainingEval | undefined, experiment: StageExperiment): EvalSetRef[] {
  return e ? resolveEvalSets(e.tasks, e.sets, experiment, ['eval', 'sets']) : [];
}

/** Training sources, validation sets and the sets evaluated during training. */
export function alignmentDatasets(config: { validation: ValidationOptions; eval?: DuringTrainingEval }, experiment: StageExperiment): string[] {
  return [...trainingDatasets(experiment, config.validation), ...duringTrainingSets(config.eval, experiment).map((s) => s.dir)];
}
