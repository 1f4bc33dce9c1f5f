import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { readEvalRows } from '../../src/data/eval-sets.ts';
import { ensureSynthetic } from '../../src/data/synth/ensure.ts';
import { loadTokenizer } from '../../src/data/tokenizer.ts';
import { ATTRIBUTE_WORDS } from '../../src/data/synth/world.ts';
import { attributeGrounding } from '../../src/eval/attribute-grounding.ts';
import { blindCaption } from '../../src/eval/blind-caption.ts';
import { scoreCaptions } from '../../src/eval/caption-metrics.ts';
import { loadCaptionAnnotations, loadCaptionResults } from '../../src/eval/files/coco-captions.ts';
import { loadVqaItems } from '../../src/eval/files/vqa.ts';
import { questionAccuracy, vqaAccuracy } from '../../src/eval/vqa/accuracy.ts';
import { blindAccuracy, type BlindQuestion } from '../../src/eval/vqa/blind-prior.ts';
import { buildAssembly } from '../../src/models/assembly.ts';
import { resolveAssembly, type ConfigsOf } from '../../src/models/assembly-config.ts';
import { evalPromptBatch, qaPromptText } from '../../src/eval/prompts.ts';
import { evaluateAssembly, metricRecord, taskFiles, type EvalSetRef, type EvaluationOptions, type TaskEvaluation } from '../../src/eval/evaluate-assembly.ts';
import { sayOnly } from '../fixtures/tiny-vlm-kind.ts';
import { TINY } from '../models/fixtures.ts';

await initBackend('cpu');
const dir = mkdtempSync(join(tmpdir(), 'vadapter-evaluation-'));
const synth = await ensureSynthetic(join(dir, 'synth'), { scale: 'tiny', seed: 0, only: ['coco', 'vqav2', 'msrvtt', 'msrvtt-qa'] });
const tok = loadTokenizer(synth.tokenizer);
const VOCAB = { vocab: tok.vocabSize };
const configs = resolveAssembly('vadapter', { ...TINY, tlm: { ...TINY.tlm, ...VOCAB }, llm: { ...TINY.llm, ...VOCAB } }) as ConfigsOf<'vadapter'>;
const assembly = buildAssembly(configs, 7);

const TASKS: EvalSetRef[] = [
  { task: 'caption', set: 'coco', dir: synth.datasets.coco },
  { task: 'vqa', set: 'vqav2', dir: synth.datasets.vqav2 },
  { task: 'video-caption', set: 'msrvtt', dir: synth.datasets.msrvtt },
  { task: 'video-qa', set: 'msrvtt-qa', dir: synth.datasets['msrvtt-qa'] },
];
const OPTIONS: EvaluationOptions = { frames: 2, batchSize: 3, limit: 5, decoding: { method: 'greedy', maxTokens: 6 } };

function writeFiles(r: TaskEvaluation): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(taskFiles(r))) writeFileSync((out[name] = join(dir, `${r.set}.${name}`)), text);
  return out;
}

test('prompts: few-shot examples go in front, the question loses its "?", parts are left-padded around the visual tokens', () => {
  const template = 'Answer the question given the images. Given <visual>. Question : {question} ? Answer:';
  assert.equal(
    qaPromptText(template, 'what color is the circle?', [{ question: 'is it red ?', answer: 'yes' }]),
    'Question : is it red ? Answer: yes Answer the question given the images. Given <visual>. Question : what color is the circle ? Answer:',
  );
  const batch = evalPromptBatch(tok, tf.zeros([2, 1, 1, 1, 3]), ['Describe <visual> red circle', 'Describe the following: <visual> circle']);
  const [describe, the, following, colon, red, circle] = ['describe', 'the', 'following', ':', 'red', 'circle'].map((w) => tok.encode(w)[0]);
  assert.deepEqual(batch.beforeIds.arraySync(), [[0, 0, 0, tok.bosId, describe], [tok.bosId, describe, the, following, colon]]);
  assert.deepEqual(batch.beforeMask!.arraySync(), [[0, 0, 0, 1, 1], [1, 1, 1, 1, 1]]);
  assert.deepEqual(batch.afterIds.arraySync(), [[red, circle], [0, circle]]);
  assert.deepEqual(batch.afterMask!.arraySync(), [[1, 1], [0, 1]]);
  tf.dispose(Object.values(batch));
});

test('evaluateAssembly: four tasks on the first N examples; metrics equal a re-scoring of the written result and reference files', async () => {
  const before = tf.memory().numTensors;
  const done: string[] = [];
  const results = await evaluateAssembly(assembly, configs, tok, TASKS, { ...OPTIONS, onBatch: (ref, n) => done.push(`${ref.set}:${n}`) });
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.deepEqual(done, ['coco:3', 'coco:5', 'vqav2:3', 'vqav2:5', 'msrvtt:3', 'msrvtt:5', 'msrvtt-qa:3', 'msrvtt-qa:5']);
  assert.deepEqual(results.map((r) => [r.task, r.set, r.examples]), TASKS.map((t) => [t.task, t.set, 5]));
  for (const r of results.filter((x) => x.task.endsWith('caption'))) {
    const files = writeFiles(r);
    const refs = loadCaptionAnnotations(files['annotations.json']);
    const rescored = scoreCaptions(refs, loadCaptionResults(files['results.json'], refs, files['annotations.json']));
    assert.deepEqual(Object.keys(r.metrics), ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4', 'ROUGE_L', 'CIDEr', 'blind_CIDEr', 'distinct', 'distinct_share', 'attr/shape', 'attr/colour', 'attr/size']);
    const written = JSON.parse(readFileSync(files['results.json'], 'utf8')) as { image_id: number; caption: string }[];
    const grounding = attributeGrounding(written.map((p) => ({ prediction: p.caption, references: refs.get(p.image_id)! })), ATTRIBUTE_WORDS);
    for (const m of ['attr/shape', 'attr/colour', 'attr/size']) assert.equal(r.metrics[m], grounding[m], `${r.set} ${m}: the synthetic set's attribute words, scored on the written files`);
    for (const m of ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4', 'ROUGE_L', 'CIDEr'] as const) assert.equal(r.metrics[m], rescored[m], `${r.set} ${m}`);
    const blind = blindCaption(refs);
    assert.equal(r.metrics.blind_CIDEr, blind.CIDEr, `${r.set}: the best constant caption of the written references`);
    assert.deepEqual(JSON.parse(readFileSync(files['blind_caption.json'], 'utf8')), { caption: blind.caption, CIDEr: blind.CIDEr, image_id: blind.imageId, images: 5, candidates: blind.candidates });
    assert.ok(refs.get(blind.imageId!)!.includes(blind.caption), 'one of the references of the image it names');
    const distinct = new Set((r.predictions as { caption: string }[]).map((p) => p.caption.toLowerCase().split(/\s+/).filter((w) => w !== '').join(' '))).size;
    assert.equal(r.metrics.distinct, distinct, `${r.set} distinct`);
    assert.equal(r.metrics.distinct_share, distinct / 5);
    assert.equal(r.answers, undefined, 'no answer histogram for captions');
    assert.equal(refs.size, 5);
    assert.ok([...refs.values()].every((caps) => caps.length === 5), 'five references an image');
  }
  for (const r of results.filter((x) => x.task.endsWith('qa'))) {
    const files = writeFiles(r);
    const rescored = vqaAccuracy(loadVqaItems({ questions: files['questions.json'], annotations: files['annotations.json'], results: files['results.json'] }));
    assert.equal(r.metrics.accuracy, rescored.overall);
    for (const [type, v] of Object.entries(rescored.perAnswerType)) assert.equal(r.metrics[`accuracy/${type}`], v, `${r.set} ${type}`);
    assert.equal(Object.keys(r.metrics).length, 1 + Object.keys(rescored.perAnswerType).length + 3);
    const histogram = JSON.parse(readFileSync(files['answers.json'], 'utf8')) as { predictions: number; answers: { answer: string; count: number }[] };
    assert.equal(histogram.predictions, 5);
    assert.equal(histogram.answers.reduce((s, a) => s + a.count, 0), 5, 'every prediction counted once');
    assert.ok(histogram.answers.every((a, i) => i === 0 || a.count <= histogram.answers[i - 1].count), 'most frequent first');
    assert.equal(r.metrics.distinct_answers, histogram.answers.length);
    assert.equal(r.metrics.top_answer_share, histogram.answers[0].count / 5);
    const questions: BlindQuestion[] = [];
    for await (const row of readEvalRows(r.dir, 'vqa-eval')) if (questions.length < 5) questions.push({ questionId: row.question_id as number, question: row.question as string, answers: row.answers as string[], answerType: row.answer_type as string, questionType: row.question_type as string });
    assert.equal(r.metrics.blind_accuracy, blindAccuracy(questions), `${r.set}: the blind prior of the same 5 questions`);
  }
  const captions = results[0].predictions as { image_id: string; caption: string }[];
  assert.deepEqual(captions.map((c) => c.image_id), [0, 1, 2, 3, 4].map((i) => `coco-00000${i}`));
  assert.ok(captions.every((c) => typeof c.caption === 'string' && c.caption.split(' ').length <= 6 && !c.caption.includes('<')), 'decoded text, special tokens dropped');
  const keys = Object.keys(metricRecord(results, 'vadapter/eval/'));
  for (const key of ['coco/CIDEr', 'coco/blind_CIDEr', 'msrvtt/blind_CIDEr', 'coco/distinct', 'msrvtt/distinct_share', 'msrvtt-qa/accuracy', 'msrvtt-qa/blind_accuracy', 'vqav2/distinct_answers', 'vqav2/top_answer_share']) assert.ok(keys.includes(`vadapter/eval/${key}`), key);
});

test('predictions do not depend on the batch size (left-padded QA prompts of different lengths), and few-shot examples change the prompt', async () => {
  const qa = TASKS.filter((t) => t.task === 'vqa');
  const answers = async (o: Partial<EvaluationOptions>) => (await evaluateAssembly(assembly, configs, tok, qa, { ...OPTIONS, ...o }))[0].predictions;
  const batched = await answers({ batchSize: 5 });
  assert.deepEqual(await answers({ batchSize: 1 }), batched);
  const shots = await answers({ batchSize: 5, fewShot: [{ question: 'what shape is it?', answer: 'circle' }] });
  assert.notDeepEqual(shots, batched);
});

test('a prompt without its slots and a decoder vocab smaller than the tokenizer are user errors', async () => {
  await assert.rejects(evaluateAssembly(assembly, configs, tok, TASKS.slice(1, 2), { ...OPTIONS, prompts: { vqa: 'Given <visual>. Answer:' } }), /prompts\.vqa: a vqa prompt must contain "\{question\}"/);
  const small = resolveAssembly('vadapter', TINY) as ConfigsOf<'vadapter'>;
  await assert.rejects(evaluateAssembly(assembly, small, tok, TASKS, OPTIONS), /the llm's vocab 64 is smaller than the tokenizer's 128 tokens/);
});

test('QA metrics belong to their questions: a model that always answers "yes" scores what the human answers of those questions give "yes"', async () => {
  const yes = buildAssembly(configs, 7);
  sayOnly(yes.params, tok.encode('yes')[0]);
  const [r] = await evaluateAssembly(yes, configs, tok, TASKS.slice(1, 2), { ...OPTIONS, limit: 8, decoding: { method: 'beam', beams: 2, maxTokens: 1 } });
  assert.ok((r.predictions as { answer: string }[]).every((p) => p.answer === 'yes'));
  assert.deepEqual(r.answers, [{ answer: 'yes', count: 8 }]);
  assert.equal(r.metrics.distinct_answers, 1);
  assert.equal(r.metrics.top_answer_share, 1);
  const byType = new Map<string, number[]>();
  for await (const row of readEvalRows(TASKS[1].dir, 'vqa-eval')) {
    if ([...byType.values()].flat().length === 8) break;
    const type = row.answer_type as string;
    byType.set(type, [...(byType.get(type) ?? []), questionAccuracy(row.answers as string[], 'yes')]);
  }
  const percent = (xs: number[]) => Math.round((10000 * xs.reduce((s, x) => s + x, 0)) / xs.length) / 100;
  assert.ok(percent(byType.get('yes/no')!) > 0, 'some yes/no questions among the first 8 were answered "yes"');
  assert.equal(r.metrics.accuracy, percent([...byType.values()].flat()));
  for (const [type, scores] of byType) assert.equal(r.metrics[`accuracy/${type}`], percent(scores), type);
  yes.dispose();
});

test('QA answers end at the answer stop words, of one token or several: a model that only says ":" answers nothing unless the list is emptied', async () => {
  const colon = buildAssembly(configs, 7);
  sayOnly(colon.params, tok.encode(':')[0]);
  const opts = { ...OPTIONS, limit: 3, decoding: { method: 'greedy' as const, maxTokens: 3 } };
  const [stopped] = await evaluateAssembly(colon, configs, tok, TASKS.slice(1, 2), opts);
  assert.deepEqual((stopped.predictions as { answer: string }[]).map((p) => p.answer), ['', '', '']);
  const [kept] = await evaluateAssembly(colon, configs, tok, TASKS.slice(1, 2), { ...opts, answerStop: [] });
  assert.deepEqual((kept.predictions as { answer: string }[]).map((p) => p.answer), [': : :', ': : :', ': : :']);
  const [caption] = await evaluateAssembly(colon, configs, tok, TASKS.slice(0, 1), opts); // captions do not stop at ":"
  assert.ok((caption.predictions as { caption: string }[]).every((p) => p.caption === ': : :'));
  const answers = async (answerStop: string[]) => ((await evaluateAssembly(colon, configs, tok, TASKS.slice(1, 2), { ...opts, answerStop }))[0].predictions as { answer: string }[]).map((p) => p.answer);
  assert.deepEqual(await answers([': :']), ['', '', ''], 'a stop of two tokens ends the answer once both are generated, and neither is kept');
  assert.deepEqual(await answers([': : : :']), [': : :', ': : :', ': : :'], 'a stop longer than maxTokens never completes');
  assert.deepEqual(await answers(['top left']), [': : :', ': : :', ': : :']);
  colon.dispose();
});
