import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numpySum, pyRound, pySplit, pyStrip } from '../../src/eval/pysemantics.ts';

test('pyRound rounds exact binary ties to even and everything else by the exact value, as Python 3 round()', () => {
  // 0.125 and 0.375 are exact in binary: ties, to the even last digit (0.12, 0.38).
  assert.equal(pyRound(0.125, 2), 0.12);
  assert.equal(pyRound(0.375, 2), 0.38);
  assert.equal(pyRound(-0.125, 2), -0.12);
  assert.equal(pyRound(33.125, 2), 33.12);
  // 2.675 is stored as 2.67499999999999982236431605997495353221893310546875: rounds down.
  assert.equal(pyRound(2.675, 2), 2.67);
  assert.equal(pyRound(66.666666, 2), 66.67);
  assert.equal(pyRound(100, 2), 100);
});

test('numpySum sums like numpy: plain below 8 values, 8 accumulators up to 128, halves above', () => {
  // 1e16 + 1 + 1 ... : a plain left-to-right sum loses every 1 (1e16 + 1 rounds back to 1e16),
  // the 8-accumulator layout adds the ones among themselves first.
  const values = [1e16, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
  let plain = 0;
  for (const v of values) plain += v;
  assert.equal(plain, 1e16);
  // r[0] = 1e16 + 1 (lost), r[1..7] = 2 each -> (1e16 + 2) + 2 + ... = 1e16 + 14.
  assert.equal(numpySum(values), 1e16 + 14);
  assert.equal(numpySum([1, 2, 3]), 6);
  assert.equal(numpySum([]), 0);
});

test('pySplit and pyStrip use Python whitespace (no-break space included, BOM not)', () => {
  assert.deepEqual(pySplit('  a\u00a0b\tc \n'), ['a', 'b', 'c']);
  assert.deepEqual(pySplit(''), []);
  assert.equal(pyStrip('\u2003x\u0085'), 'x');
  assert.equal(pyStrip('\ufeffx'), '\ufeffx');
});
