import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEvalRows } from '../../src/data/eval-sets.ts';
import { ensureSynthetic } from '../../src/data/synth/ensure.ts';
import { blindCaption } from '../../src/eval/blind-caption.ts';
import { loadCaptionAnnotations } from '../../src/eval/files/coco-captions.ts';
import { majority } from '../../src/eval/files/write.ts';
import { blindAccuracy, type BlindQuestion } from '../../src/eval/vqa/blind-prior.ts';
import { fewShotText } from '../../src/eval/prompts.ts';
import { query, runJson, tempDir, vadapter, type RunSummary } from '../exec/helpers.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/tiny-vlm-kind.ts', import.meta.url));
const EVAL_SETS = ['coco', 'vqav2', 'msrvtt', 'msrvtt-qa'];

async function writeEvalSpec(dir: string, stages: string): Promise<string> {
  const synth = await ensureSynthetic(join(dir, 'synth'), { scale: 'tiny', seed: 0, only: EVAL_SETS });
  const file = join(dir, 'eval.yaml');
  const sets = EVAL_SETS.map((s) => `${JSON.stringify(s)}: ${JSON.stringify(synth.datasets[s])}`).join(', ');
  writeFileSync(file, `name: evaltest\nplugins: [${JSON.stringify(FIXTURE)}]\ndata:\n  tokenizer: ${JSON.stringify(synth.tokenizer)}\n  frames: 2\n  eval: { ${sets} }\nstages:\n${stages}`);
  return file;
}

const STAGES = `  a1: { kind: tiny-vlm, seed: 4 }
  a2: { kind: tiny-vlm, seed: 2, assembly: perceiver, step: 5, say: "yes" }
  eval: { kind: evaluate, adapters: [a1, a2], limit: 3, maxTokens: 4, batchSize: 2, fewShot: { set: msrvtt-qa, examples: 2 } }
  yes: { kind: evaluate, adapters: [a2], tasks: [vqa], limit: 8, maxTokens: 1, method: beam, beams: 2 }
`;

/** The metrics (by key) and artifact files (by name) a stage of a finished run recorded. */
function outputsOf(root: string, summary: RunSummary, stage: string) {
  const fingerprint = summary.stages.find((s) => s.stage === stage)!.fingerprint;
  const metrics = new Map(query<{ key: string; step: number; value: number }>(root, 'SELECT key, step, value FROM metrics WHERE fingerprint = ?', fingerprint).map((m) => [m.key, m]));
  const artifacts = new Map(query<{ name: string; path: string }>(root, 'SELECT name, path FROM artifacts WHERE fingerprint = ?', fingerprint).map((a) => [a.name, join(root, a.path)]));
  return { metrics, artifacts, file: (name: string) => artifacts.get(name)! };
}

test('evaluate through the runner: metrics per adapter and set at the adapter step; artifacts that vadapter eval re-scores to the same numbers', async () => {
  const dir = tempDir();
  const root = join(dir, 'runs');
  const spec = await writeEvalSpec(dir, STAGES);
  const { result, statuses, summary } = await runJson(spec, root);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(statuses, { '0/a1': 'done', '0/a2': 'done', '0/eval': 'done', '0/yes': 'done' });
  const shots = [];
  for await (const row of readEvalRows(join(dir, 'synth', 'msrvtt-qa'), 'vqa-eval')) if (shots.length < 2) shots.push({ question: row.question as string, answer: majority(row.answers as string[]) });
  const log = readFileSync(join(root, summary.runId, 'logs', 't0.eval.log'), 'utf8');
  assert.ok(log.includes(`few-shot QA prefix: ${fewShotText(shots)}\n`), log);

  const evaluated = outputsOf(root, summary, 'eval');
  for (const [adapter, step] of [['a1', 3], ['a2', 5]] as const) {
    for (const key of ['coco/CIDEr', 'coco/Bleu_4', 'msrvtt/ROUGE_L', 'vqav2/accuracy', 'msrvtt-qa/accuracy', 'coco/distinct', 'msrvtt/distinct_share', 'vqav2/distinct_answers', 'msrvtt-qa/top_answer_share', 'msrvtt-qa/blind_accuracy', 'coco/blind_CIDEr', 'msrvtt/blind_CIDEr']) {
      assert.equal(evaluated.metrics.get(`${adapter}/eval/${key}`)?.step, step, `${adapter}/eval/${key}`);
    }
  }
  assert.equal(evaluated.artifacts.size, 2 * (2 * 3 + 2 * 4), 'results + annotations + blind caption per caption set, results + annotations + questions + answers per QA set, per adapter');
  assert.ok(existsSync(evaluated.file('a2/msrvtt-qa/questions.json')));
  const captions = (JSON.parse(readFileSync(evaluated.file('a1/coco/results.json'), 'utf8')) as { caption: string }[]).map((c) => c.caption.toLowerCase().split(/\s+/).filter((w) => w !== '').join(' '));
  assert.equal(evaluated.metrics.get('a1/eval/coco/distinct')?.value, new Set(captions).size);
  assert.equal(evaluated.metrics.get('a1/eval/coco/distinct_share')?.value, new Set(captions).size / 3);
  const caption = await vadapter(['eval', 'caption', '--annotations', evaluated.file('a1/msrvtt/annotations.json'), '--results', evaluated.file('a1/msrvtt/results.json'), '--json']);
  assert.equal(caption.code, 0, caption.stderr);
  const scores = JSON.parse(caption.stdout) as Record<string, number>;
  assert.ok(scores.CIDEr > 0 && scores.Bleu_1 > 0, caption.stdout);
  for (const [m, v] of Object.entries(scores)) assert.equal(evaluated.metrics.get(`a1/eval/msrvtt/${m}`)?.value, v, m);
  // The blind caption depends on the references only: the same for both adapters, and logged as blind_CIDEr.
  const blind = blindCaption(loadCaptionAnnotations(evaluated.file('a1/msrvtt/annotations.json')));
  for (const adapter of ['a1', 'a2']) {
    assert.deepEqual(JSON.parse(readFileSync(evaluated.file(`${adapter}/msrvtt/blind_caption.json`), 'utf8')), { caption: blind.caption, CIDEr: blind.CIDEr, image_id: blind.imageId, images: 3, candidates: blind.candidates });
    assert.equal(evaluated.metrics.get(`${adapter}/eval/msrvtt/blind_CIDEr`)?.value, blind.CIDEr, adapter);
  }

  const yes = outputsOf(root, summary, 'yes');
  const vqa = await vadapter(['eval', 'vqa', '--questions', yes.file('a2/vqav2/questions.json'), '--annotations', yes.file('a2/vqav2/annotations.json'), '--results', yes.file('a2/vqav2/results.json'), '--json']);
  assert.equal(vqa.code, 0, vqa.stderr);
  const acc = JSON.parse(vqa.stdout) as { overall: number; perAnswerType: Record<string, number> };
  assert.ok(acc.perAnswerType['yes/no'] > 0, `a model that always says "yes" gets some yes/no questions right: ${vqa.stdout}`);
  assert.equal(yes.metrics.get('a2/eval/vqav2/accuracy')?.value, acc.overall);
  for (const [type, v] of Object.entries(acc.perAnswerType)) assert.equal(yes.metrics.get(`a2/eval/vqav2/accuracy/${type}`)?.value, v, type);
  // Always "yes": one answer, all 8 predictions; the blind prior of the same 8 questions beside it.
  assert.deepEqual(JSON.parse(readFileSync(yes.file('a2/vqav2/answers.json'), 'utf8')), { predictions: 8, answers: [{ answer: 'yes', count: 8 }] });
  assert.equal(yes.metrics.get('a2/eval/vqav2/distinct_answers')?.value, 1);
  assert.equal(yes.metrics.get('a2/eval/vqav2/top_answer_share')?.value, 1);
  const questions: BlindQuestion[] = [];
  for await (const row of readEvalRows(join(dir, 'synth', 'vqav2'), 'vqa-eval')) if (questions.length < 8) questions.push({ questionId: row.question_id as number, question: row.question as string, answers: row.answers as string[], answerType: row.answer_type as string, questionType: row.question_type as string });
  assert.equal(yes.metrics.get('a2/eval/vqav2/blind_accuracy')?.value, blindAccuracy(questions));
});

test('evaluate config errors point at the spec: an eval set missing from data.eval, a prompt without its marker', async () => {
  const dir = tempDir();
  const spec = await writeEvalSpec(dir, `  a1: { kind: tiny-vlm }
  eval: { kind: evaluate, adapters: [a1], tasks: [caption, vqa], sets: { vqa: vqa2 }, prompts: { caption: "Describe :" } }
`);
  const plan = await vadapter(['plan', spec, '--root', join(dir, 'runs')]);
  assert.equal(plan.code, 2, plan.stderr);
  assert.match(plan.stderr, /prompts\.caption: a prompt template must contain "<visual>" exactly once/);
  const fixed = await vadapter(['plan', spec, '--root', join(dir, 'runs'), 'stages.eval.prompts.caption="Describe <visual> :"']);
  assert.equal(fixed.code, 2, fixed.stderr);
  assert.match(fixed.stderr, /sets\.vqa: no eval set "vqa2" in data\.eval \(did you mean "vqav2"\?\)/);
});
