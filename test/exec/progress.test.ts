import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressBoard, formatDuration, formatProgress } from '../../src/exec/progress-view.ts';

test('a progress line shows step/total, percent, fields, rate and ETA', () => {
  assert.equal(formatProgress({ label: 'stage1', step: 120, total: 400, fields: { loss: 0.123456 } }, 40, true), 'stage1  [######--------------]  120/400  30%  loss 0.1235  40 it/s  ETA 7.0s');
  assert.equal(formatProgress({ label: 's', step: 0, total: 10, fields: {} }, null, false), 's  0/10  0%');
  assert.deepEqual([formatDuration(3.21), formatDuration(75), formatDuration(7300)], ['3.2s', '1m15s', '2h01m']);
});

test('on a terminal the bars are redrawn in place, event lines print above them', () => {
  let out = '';
  let now = 0;
  const board = new ProgressBoard({ write: (t) => (out += t), isTTY: true, columns: 80 }, 10_000, () => now);
  board.start('a', 'a', 10);
  now = 1000;
  board.update('a', 1, 10, {});
  now = 2000;
  board.update('a', 3, 10, { loss: 2 });
  board.line('▶ b');
  board.close();
  assert.equal(
    out,
    'a  [--------------------]  0/10  0%\n' +
      '\x1b[1A\x1b[0Ja  [##------------------]  1/10  10%\n' +
      '\x1b[1A\x1b[0Ja  [######--------------]  3/10  30%  loss 2.000  2.00 it/s  ETA 3.5s\n' +
      '\x1b[1A\x1b[0J▶ b\na  [######--------------]  3/10  30%  loss 2.000  2.00 it/s  ETA 3.5s\n' +
      '\x1b[1A\x1b[0J',
  );
});
