// Bad specs, as a user writes them: each kind of mistake goes through `vadapter plan` (or `run`
// for what plan lists as missing; the CLI's main, in process; one case also as a child process) and
// must end with exit code 2 and exactly the expected lines on stderr: `✖ file:line:col: key:
// message`, placed at the key that is wrong, before any stage runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { buildWordLevelTokenizer, saveTokenizer } from '../../src/data/tokenizer.ts';
import { presetNames } from '../../src/models/presets.ts';
import { emptyDataset } from '../fixtures/empty-dataset.ts';

const BIN = new URL('../../bin/vadapter.js', import.meta.url).pathname;

// Line numbers matter: the expected positions below count lines of this text.
const BASE = `name: t
data:
  train: { webli: data/webli }
  eval: { coco: data/coco, vqav2: data/vqav2 }
  tokenizer: tok/tokenizer.json
  frames: 2
models:
  vit: { preset: vit-tiny }
  tlm: { preset: lm-tiny }
  llm: { preset: lm-tiny }
  pooler: { preset: pooler-tiny }
  resampler: { preset: resampler-1layer-tiny }
stages:
  vision: { kind: pretrain-vision, model: vit, steps: 10 }
  lm: { kind: pretrain-lm, model: llm, steps: 10 }
  stage1: { kind: align-decoder, vision: vision, pooler: pooler, steps: 10 }
  stage2: { kind: align-adapter, vision: vision, llm: lm, adapter: stage1, resampler: resampler, steps: 10 }
  eval: { kind: evaluate, adapters: [stage2], tasks: [caption, vqa] }
`;

interface Case {
  kind: string; // the mistake
  spec?: string; // the spec's text (default BASE)
  files?: Record<string, string>; // more files beside it
  args?: string[]; // overrides
  command?: 'plan' | 'run'; // default plan; `run` for what plan shows as missing and run refuses
  expect: string[]; // stderr lines, after "✖ "; {dir} is the spec's directory
}

/** BASE with each [from, to] replaced once; `from` must be there. */
function edit(...pairs: [string, string][]): string {
  return pairs.reduce((text, [from, to]) => {
    assert.ok(text.includes(from), `BASE has no ${JSON.stringify(from)}`);
    return text.replace(from, to);
  }, BASE);
}

const MANIFEST = 'data/webli/dataset.json';

const CASES: Case[] = [
  { kind: 'unknown top-level key', spec: `seeds: 3\n${BASE}`, expect: ['t.yaml:1:1: seeds: unknown key "seeds" (did you mean "seed"?)'] },
  { kind: 'unknown stage key, with did-you-mean', spec: edit(['model: vit, steps: 10', 'model: vit, stpes: 10']), expect: ['t.yaml:14:3: stages.vision.steps: missing required key; expected a positive integer', 't.yaml:14:48: stages.vision.stpes: unknown key "stpes" (did you mean "steps"?)'] },
  { kind: 'wrong type', spec: edit(['model: vit, steps: 10', 'model: vit, steps: ten']), expect: ['t.yaml:14:48: stages.vision.steps: expected a positive integer, got "ten"'] },
  { kind: 'negative steps', spec: edit(['model: llm, steps: 10', 'model: llm, steps: -5']), expect: ['t.yaml:15:40: stages.lm.steps: expected a positive integer, got -5'] },
  { kind: 'steps not an integer', spec: edit(['model: llm, steps: 10', 'model: llm, steps: 2.5']), expect: ['t.yaml:15:40: stages.lm.steps: expected a positive integer, got 2.5'] },
  { kind: 'unknown stage kind', spec: edit(['kind: pretrain-vision', 'kind: pretrain-visoin']), expect: ['t.yaml:14:13: stages.vision.kind: unknown stage kind "pretrain-visoin" (did you mean "pretrain-vision"?); known kinds: align-adapter, align-decoder, align-resampler, evaluate, import-weights, pretrain-lm, pretrain-vision'] },
  { kind: 'stage without a kind', spec: edit(['{ kind: pretrain-lm, model: llm, steps: 10 }', '{ model: llm, steps: 10 }']), expect: ['t.yaml:15:3: stages.lm.kind: missing required key; expected a non-empty string'] },
  { kind: 'unknown preset', spec: edit(['preset: vit-tiny', 'preset: vit-tinny']), expect: [`t.yaml:8:10: models.vit.preset: unknown model preset "vit-tinny" (did you mean "vit-tiny"?); known: ${presetNames().join(', ')}`] },
  { kind: 'a preset of the wrong component kind', spec: edit(['model: vit, steps: 10', 'model: tlm, steps: 10']), expect: [`t.yaml:9:10: models.tlm.preset: unknown vit preset "lm-tiny"; known: ${presetNames('vit').join(', ')}`] },
  { kind: 'unknown model field', spec: edit(['{ preset: vit-tiny }', '{ preset: vit-tiny, layer: 3 }']), expect: ['t.yaml:8:28: models.vit.layer: unknown key "layer" (did you mean "layers"?)'] },
  { kind: 'model field of the wrong type', spec: edit(['{ preset: lm-tiny }', '{ preset: lm-tiny, heads: two }']), expect: ['t.yaml:9:27: models.tlm.heads: expected a positive integer, got "two"'] },
  { kind: 'model fields that break a rule', spec: edit(['{ preset: vit-tiny }', '{ preset: vit-tiny, patch: 7 }']), expect: ['t.yaml:8:28: models.vit.patch: image must be a multiple of patch'] },
  { kind: "unknown field of a stage's inline model", spec: edit(['model: vit, steps: 10', 'model: vit, text: { preset: lm-tiny, vocb: 64 }, steps: 10']), expect: ['t.yaml:14:73: stages.vision.text.vocb: unknown key "vocb" (did you mean "vocab"?)'] },
  { kind: 'dangling stage reference (once, over two trials)', spec: edit(['vision: vision, pooler', 'vision: visoin, pooler']), args: ['seed=1,2'], expect: ['t.yaml:16:34: stages.stage1.vision: stage "stage1" refers to "visoin", which is not a stage (did you mean "vision"?)'] },
  { kind: 'a model named where a stage is wanted', spec: edit(['llm: lm, adapter', 'llm: llm, adapter']), expect: ['t.yaml:17:50: stages.stage2.llm: stage "stage2" refers to "llm", which is not a stage ("llm" is a model: name the stage that trains it) (did you mean "lm"?)'] },
  { kind: 'dangling model reference', spec: edit(['model: vit, steps: 10', 'model: vitt, steps: 10']), expect: ['t.yaml:14:36: stages.vision.model: no model "vitt" in models: (did you mean "vit"?); defined: vit, tlm, llm, pooler, resampler'] },
  { kind: 'cycle', spec: edit(['pooler: pooler, steps: 10', 'pooler: pooler, decoder: stage2, steps: 10']), expect: ['t.yaml:16:66: stages.stage1.decoder: stages refer to each other in a cycle: stage1 -> stage2 -> stage1'] },
  { kind: 'invalid stage name', spec: edit(['  lm: { kind', '  1lm: { kind']), expect: ['t.yaml:15:3: stages.1lm: invalid name "1lm"; expected a name of letters, digits, "-" and "_" starting with a letter'] },
  { kind: 'no stages', spec: `name: t\nstages: {}\n`, expect: ['t.yaml:2:1: stages: expected at least one stage'] },
  { kind: 'duplicate YAML key', spec: edit(['  frames: 2\n', '  frames: 2\n  frames: 4\n']), expect: ['t.yaml:7:3: Map keys must be unique'] },
  { kind: 'YAML syntax error', spec: edit(['{ preset: vit-tiny }', '{ preset: vit-tiny']), expect: ['t.yaml:9:3: Flow map in block collection must be sufficiently indented and end with a }'] },
  { kind: 'YAML tag', spec: edit(['tokenizer: tok/tokenizer.json', 'tokenizer: !include tok.yaml']), expect: ['t.yaml:5:3: data.tokenizer: YAML tags are not supported (found !include); write plain values, and use include: to share blocks'] },
  { kind: 'unknown backend', spec: `backend: wsam\n${BASE}`, expect: ['t.yaml:1:1: backend: expected one of "auto", "tensorflow", "webgpu", "wasm", "cpu", got "wsam" (did you mean "wasm"?)'] },
  { kind: 'unknown data key', spec: edit(['  frames: 2', '  frmes: 2']), expect: ['t.yaml:6:3: data.frmes: unknown key "frmes" (did you mean "frames"?)'] },
  { kind: 'frames not positive', spec: edit(['  frames: 2', '  frames: 0']), expect: ['t.yaml:6:3: data.frames: expected a positive integer, got 0'] },
  { kind: 'bad override key', args: ['stages.vision.stpes=5'], expect: ['override stages.vision.stpes=5: stages.vision.stpes: no key "stages.vision.stpes" in the spec (did you mean "stages.vision.steps"?)'] },
  { kind: 'override of the wrong type', args: ['stages.vision.steps=abc'], expect: ['override stages.vision.steps=abc: stages.vision.steps: expected a number like the current value 10, got "abc"'] },
  { kind: 'override without a value', args: ['seed'], expect: ['override seed: expected key=value (or +key=value to add a key, key=a,b,c to sweep)'] },
  { kind: 'override that breaks the schema', args: ['stages.lm.steps=-1'], expect: ['override stages.lm.steps=-1: stages.lm.steps: expected a positive integer, got -1'] },
  { kind: 'adding a key that exists', args: ['+seed=3'], expect: ['override +seed=3: seed: key already exists; write seed=... to replace it'] },
  { kind: 'sweep of bad values (block)', spec: `${BASE}sweep:\n  stages.vision.steps: [10, ten]\n`, expect: ['t.yaml:20:29: stages.vision.steps: expected a number like the current value 10, got "ten"'] },
  { kind: 'sweep over a key that does not exist', spec: `${BASE}sweep:\n  stages.vision.stpes: [1, 2]\n`, expect: ['t.yaml:20:3: stages.vision.stpes: no key "stages.vision.stpes" in the spec (did you mean "stages.vision.steps"?)'] },
  { kind: 'sweep value valid by type, not by the schema (one issue for two trials)', args: ['stages.lm.steps=0', 'seed=1,2'], expect: ['override stages.lm.steps=0: stages.lm.steps: expected a positive integer, got 0'] },
  { kind: 'command-line sweep of bad values', args: ['seed=0,x'], expect: ['override seed=0,x: seed: expected a number like the current value 0, got "x"'] },
  { kind: 'include of a missing file', spec: `include: shared.yaml\n${BASE}`, expect: ['t.yaml:1:1: include: included file not found: shared.yaml'] },
  { kind: 'include of a directory', spec: `include: sub\n${BASE}`, files: { 'sub/a.yaml': 'name: t\n' }, expect: ['sub: is a directory; expected a YAML spec file'] },
  { kind: 'include cycle', spec: `include: [a.yaml]\n${BASE}`, files: { 'a.yaml': 'include: t.yaml\n' }, expect: ['a.yaml:1:1: include: include cycle: t.yaml -> a.yaml -> t.yaml'] },
  { kind: 'error inside an included file', spec: `include: [a.yaml]\n${BASE}`, files: { 'a.yaml': 'models:\n  vit: { preset: vit-tiny, hedas: 2 }\n' }, expect: ['a.yaml:2:28: models.vit.hedas: unknown key "hedas" (did you mean "heads"?)'] },
  { kind: 'missing tokenizer file (run refuses to start)', command: 'run', spec: edit(['tok/tokenizer.json', 'tok/tokenzier.json'], ['  eval: { kind: evaluate, adapters: [stage2], tasks: [caption, vqa] }\n', '']), expect: ['t.yaml:5:3: data.tokenizer: {dir}/tok/tokenzier.json does not exist (read by stages vision, lm, stage1, stage2): point data.tokenizer at an existing file'] },
  { kind: 'corrupt tokenizer (not JSON)', files: { 'tok/tokenizer.json': '{"model": {"type": "WordLevel", "vocab": {"<bos>": 0' }, expect: ['t.yaml:5:3: data.tokenizer: tok/tokenizer.json:1:53: not valid JSON: Expected \',\' or \'}\' after property value'] },
  { kind: 'not a tokenizer.json', files: { 'tok/tokenizer.json': '[1, 2, 3]' }, expect: ['t.yaml:5:3: data.tokenizer: tok/tokenizer.json: expected a Hugging Face tokenizer.json (an object with a "model")'] },
  { kind: 'tokenizer with a malformed part', files: { 'tok/tokenizer.json': '{"model": {"type": "WordLevel", "vocab": {}}, "added_tokens": {"id": 0}}' }, expect: ['t.yaml:5:3: data.tokenizer: tok/tokenizer.json: added_tokens: Invalid input: expected array, received object'] },
  { kind: 'tokenizer without special tokens', files: { 'tok/tokenizer.json': JSON.stringify({ model: { type: 'WordLevel', vocab: { a: 0, b: 1 }, unk_token: 'a' } }) }, expect: ['t.yaml:5:3: data.tokenizer: tok/tokenizer.json: no bos token found (tried <bos> <s> [CLS] <|begin_of_text|> <|startoftext|> <|endoftext|>); name it in tokenizer_config.json or pass it'] },
  { kind: 'corrupt tokenizer_config.json beside the tokenizer', files: { 'tok/tokenizer_config.json': '["<bos>"]' }, expect: ['t.yaml:5:3: data.tokenizer: tok/tokenizer_config.json: Invalid input: expected object, received array'] },
  { kind: 'corrupt manifest (not JSON)', files: { [MANIFEST]: '{"kind": "image-text", ' }, expect: [`t.yaml:3:12: data.train.webli: ${MANIFEST}:1:24: not valid JSON: Expected double-quoted property name`] },
  { kind: 'manifest that fails its checks', files: { [MANIFEST]: JSON.stringify({ kind: 'image-text', schemaVersion: 1, name: 'w', batchRows: 1, shards: [], totalRows: 5, fingerprint: 'x' }) }, expect: [`t.yaml:3:12: data.train.webli: ${MANIFEST}: totalRows: totalRows is 5 but the shards hold 0 rows`] },
  { kind: 'dataset directory without a manifest', files: { 'data/coco/README': 'not a dataset\n' }, expect: ['t.yaml:4:11: data.eval.coco: data/coco: no dataset.json here: not a dataset directory (create one with `vadapter data synth` or `vadapter data import`)'] },
  { kind: 'unknown eval task', spec: edit(['tasks: [caption, vqa]', 'tasks: [caption, vqq]']), expect: ['t.yaml:18:64: stages.eval.tasks[1]: expected one of "caption", "vqa", "video-caption", "video-qa", got "vqq" (did you mean "vqa"?)'] },
  { kind: 'unknown eval set', spec: edit(['tasks: [caption, vqa]', 'tasks: [caption, vqa], sets: { caption: cooc }']), expect: ['t.yaml:18:78: stages.eval.sets.caption: no eval set "cooc" in data.eval (did you mean "coco"?); defined: coco, vqav2'] },
  { kind: 'negative mixture weight', spec: edit(['  frames: 2', '  frames: 2\n  mixture: { webli: -1 }']), expect: ['t.yaml:7:14: data.mixture.webli: expected a non-negative number, got -1'] },
  { kind: 'mixture weights all zero', spec: edit(['  frames: 2', '  frames: 2\n  mixture: { webli: 0 }']), expect: ['t.yaml:7:3: data.mixture: at least one dataset of data.train needs a positive weight'] },
  { kind: 'unknown dataset in the mixture', spec: edit(['  frames: 2', '  frames: 2\n  mixture: { webli: 1, wbli: 1 }']), expect: ['t.yaml:7:24: data.mixture.wbli: unknown dataset "wbli" (did you mean "webli"?); known: webli'] },
  { kind: 'unknown dataset in a corpus', spec: edit(['model: llm, steps: 10', 'model: llm, corpus: { webil: 1 }, steps: 10']), expect: ['t.yaml:15:50: stages.lm.corpus.webil: unknown dataset "webil" (did you mean "webli"?); known: webli'] },
  { kind: 'a reference to a stage of the wrong kind', spec: edit(['vision: vision, pooler', 'vision: lm, pooler']), expect: ['t.yaml:16:34: stages.stage1.vision: "lm" is a pretrain-lm stage, which produces a language model; vision expects a stage that produces a vision encoder (pretrain-vision)'] },
  { kind: 'stage 2 starting from a stage that has no TLM', spec: edit(['adapter: stage1', 'adapter: vision']), expect: ['t.yaml:17:59: stages.stage2.adapter: "vision" is a pretrain-vision stage, which produces a vision encoder; adapter expects a stage that produces a stage-1 captioner (align-decoder) or a language model (pretrain-lm)'] },
  { kind: 'an LM vocabulary smaller than the tokenizer (at plan time)', spec: edit(['llm: { preset: lm-tiny }', 'llm: { preset: lm-tiny, vocab: 4 }']), expect: ["t.yaml:10:27: models.llm.vocab: the lm's vocab 4 is smaller than the tokenizer's 7 tokens"] },
  { kind: 'evaluating a stage that trained no adapter', spec: edit(['adapters: [stage2]', 'adapters: [stage2, lm]']), expect: ['t.yaml:18:46: stages.eval.adapters[1]: "lm" is a pretrain-lm stage, which produces a language model; adapters expects a stage that produces a trained adapter (align-adapter) or a stage-1 captioner (align-decoder)'] },
];

/** A directory holding the spec (t.yaml), a valid tokenizer and dataset, then the case's files. */
function caseDir(c: Case): string {
  const dir = mkdtempSync(join(tmpdir(), 'vadapter-bad-spec-'));
  mkdirSync(join(dir, 'tok'));
  saveTokenizer(join(dir, 'tok', 'tokenizer.json'), buildWordLevelTokenizer(['a red circle']));
  emptyDataset(join(dir, 'data', 'webli'), 'image-text');
  for (const [name, text] of Object.entries({ 't.yaml': c.spec ?? BASE, ...c.files })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** `vadapter plan|run t.yaml ARGS` in `dir`, in process: the exit code and the stderr lines. */
async function vadapter(command: 'plan' | 'run', dir: string, args: string[]): Promise<{ code: number; stderr: string[] }> {
  const cwd = process.cwd();
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  process.chdir(dir);
  try {
    const code = await main([command, 't.yaml', ...args, '--root', join(dir, 'runs')]);
    return { code, stderr: stderr.split('\n').filter((l) => l.length > 0) };
  } finally {
    process.chdir(cwd);
    process.stderr.write = write;
  }
}

/** `vadapter plan t.yaml` in `dir`, as a child process. */
function planProcess(dir: string) {
  return spawnSync(process.execPath, [BIN, 'plan', 't.yaml', '--root', join(dir, 'runs')], { cwd: dir, encoding: 'utf8' });
}

test('the base spec plans (every case below is one mistake away from it)', () => {
  const r = planProcess(caseDir({ kind: 'none', expect: [] }));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /experiment t: 1 trial/);
});

test(`${CASES.length} kinds of spec mistake: exit 2, each message exactly, at its key, nothing run`, async () => {
  assert.ok(new Set(CASES.map((c) => c.kind)).size === CASES.length && CASES.length >= 30);
  const seen = [];
  const wanted = [];
  for (const c of CASES) {
    const dir = caseDir(c);
    const r = await vadapter(c.command ?? 'plan', dir, c.args ?? []);
    seen.push({ kind: c.kind, code: r.code, stderr: r.stderr, ran: existsSync(join(dir, 'runs', 'store')) });
    wanted.push({ kind: c.kind, code: 2, stderr: c.expect.map((e) => `✖ ${e.replaceAll('{dir}', realpathSync(dir))}`), ran: false });
  }
  assert.deepEqual(seen, wanted);
});

test('through the real command: `vadapter plan` in a child process prints the issue, no stack, exit 2', () => {
  const r = planProcess(caseDir(CASES.find((c) => c.kind === 'unknown model field')!));
  assert.equal(r.status, 2);
  assert.equal(r.stderr, '✖ t.yaml:8:28: models.vit.layer: unknown key "layer" (did you mean "layers"?)\n');
});
