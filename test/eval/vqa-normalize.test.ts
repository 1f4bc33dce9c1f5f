import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processDigitArticle, processPunctuation } from '../../src/eval/vqa/normalize.ts';

test('punctuation next to a space is deleted, elsewhere replaced by a space', () => {
  assert.equal(processPunctuation('yes, it is'), 'yes it is');
  assert.equal(processPunctuation('red,blue'), 'red blue');
  assert.equal(processPunctuation('t-shirt'), 't shirt');
  // Decided per character on the original text: "(" touches no space (-> " "), ")" does (deleted).
  assert.equal(processPunctuation('(left) side'), ' left side');
});

test('any digit-comma-digit in the answer deletes every punctuation mark instead', () => {
  assert.equal(processPunctuation('1,000'), '1000');
  assert.equal(processPunctuation('1,000-2,000'), '10002000'); // "-" deleted too, not spaced
});

test('periods are deleted unless a digit follows; apostrophes and colons are kept', () => {
  assert.equal(processPunctuation('3.5'), '3.5');
  assert.equal(processPunctuation('mr. smith.'), 'mr smith');
  assert.equal(processPunctuation("it's 2:30"), "it's 2:30");
});

test('at most 32 periods are deleted (re.UNICODE passed as the count)', () => {
  assert.equal(processPunctuation('.'.repeat(40)), '.'.repeat(8));
});

test('number words to digits, articles dropped, lower-cased, contractions restored', () => {
  assert.equal(processDigitArticle('Two Dogs'), '2 dogs');
  assert.equal(processDigitArticle('none'), '0');
  assert.equal(processDigitArticle('a cat on the mat'), 'cat on mat');
  assert.equal(processDigitArticle('eleven'), 'eleven'); // only zero..ten
  assert.equal(processDigitArticle('dont know'), "don't know");
  assert.equal(processDigitArticle("couldnt've"), "couldn't've");
  assert.equal(processDigitArticle("somebody'd"), 'somebodyd'); // the one reversed entry
  assert.equal(processDigitArticle('Im'), 'im'); // the map's "Im" never matches a lower-cased word
});
