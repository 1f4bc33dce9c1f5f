import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { SourceMap } from '../../src/config/source-map.ts';
import { checkAt, validateAt } from '../../src/config/validate.ts';
import { UserError, formatIssue } from '../../src/util/errors.ts';

const kindSchema = z.strictObject({
  steps: z.number().int().positive(),
  lr: z.number().min(0).max(1).default(0.1),
  mode: z.enum(['causal', 'bidirectional']).optional(),
  tasks: z.array(z.string()).min(1).optional(),
  note: z.string().describe('a short note').optional(),
});

function positions(): SourceMap {
  const map = new SourceMap();
  map.set(['stages', 'a'], { file: 'x.yaml', line: 4, col: 3 });
  map.set(['stages', 'a', 'lr'], { file: 'x.yaml', line: 5, col: 5 });
  map.set(['stages', 'a', 'stpes'], { file: 'x.yaml', line: 6, col: 5 });
  return map;
}

test('validateAt returns the parsed value with defaults', () => {
  assert.deepEqual(validateAt(kindSchema, { steps: 3 }, ['stages', 'a'], positions()), { steps: 3, lr: 0.1 });
});

test('every issue is worded from the schema and positioned through the source map', () => {
  const r = checkAt(kindSchema, { steps: 'ten', stpes: 1, lr: 2, mode: 'casual', tasks: [], note: 5 }, ['stages', 'a'], positions());
  assert.equal(r.ok, false);
  assert.deepEqual(r.ok ? [] : r.issues.map(formatIssue), [
    'x.yaml:4:3: stages.a.steps: expected a positive integer, got "ten"',
    'x.yaml:5:5: stages.a.lr: expected a number >= 0 and <= 1, got 2',
    'x.yaml:4:3: stages.a.mode: expected one of "causal", "bidirectional", got "casual" (did you mean "causal"?)',
    'x.yaml:4:3: stages.a.tasks: expected a non-empty list, got an empty list',
    'x.yaml:4:3: stages.a.note: expected a short note, got 5',
    'x.yaml:6:5: stages.a.stpes: unknown key "stpes" (did you mean "steps"?)',
  ]);
});

test('a missing key is positioned at its parent', () => {
  assert.throws(
    () => validateAt(kindSchema, { lr: 0.5 }, ['stages', 'a'], positions()),
    (err: unknown) => err instanceof UserError && err.message === 'x.yaml:4:3: stages.a.steps: missing required key; expected a positive integer',
  );
});
