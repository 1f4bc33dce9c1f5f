import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexLines } from '../../src/eval/ptb/lexer.ts';
import { ptbTokenize } from '../../src/eval/ptb/tokenize.ts';
import { Rng } from '../../src/util/rng.ts';

const tok = (caption: string) => ptbTokenize([caption])[0];

test('lower-cases, splits off punctuation and removes pycocoevalcap punctuation tokens', () => {
  assert.equal(tok('A man riding a skateboard down the street.'), 'a man riding a skateboard down the street');
  assert.equal(tok('Dogs, cats; birds: all here!'), 'dogs cats birds all here');
  assert.equal(tok('A "quoted" word and \'single\' ones -- a dash... the end'), 'a quoted word and single ones a dash the end');
});

test('splits clitics and negations the Penn Treebank way', () => {
  assert.equal(tok("The dog's ball isn't red."), "the dog 's ball is n't red");
  assert.equal(tok("He'll say they're sure I'm right."), "he 'll say they 're sure i 'm right");
  assert.equal(tok("Don't, can't, won't"), "do n't ca n't wo n't");
  assert.equal(tok('Two people cannot see.'), 'two people can not see');
  assert.equal(tok("It is ten o'clock."), "it is ten o'clock");
});

test('keeps numbers with inner punctuation, escapes slashes, joins a fraction with a no-break space', () => {
  assert.equal(tok('3.5 feet, 1,000 lbs at 12:30.'), '3.5 feet 1,000 lbs at 12:30');
  assert.equal(tok('black-and-white and/or 10/12/2014'), 'black-and-white and\\/or 10\\/12\\/2014');
  assert.equal(tok('5 1/2 cups'), '5\u00a01\\/2 cups');
});

test('parentheses become -lrb- / -rrb- and survive the punctuation list, which is upper-case', () => {
  assert.equal(tok('a cat (black) [or grey]'), 'a cat -lrb- black -rrb- -lrb- or gray -rrb-');
});

test('British spellings are Americanized before lower-casing, so only lower-case ones change', () => {
  assert.equal(tok('a grey cat the colour of the harbour'), 'a gray cat the color of the harbor');
  assert.equal(tok('Grey cats'), 'grey cats');
  assert.equal(tok('a contour'), 'a contour');
});

test('abbreviations and acronyms keep their period; other final periods go', () => {
  assert.equal(tok('Mr. Smith met Dr. Jones in the U.S. yesterday.'), 'mr. smith met dr. jones in the u.s. yesterday');
  assert.equal(tok('apples, pears etc.'), 'apples pears etc.');
  assert.equal(tok('plan b.'), 'plan b.');
});

test('runs of ? and ! are one token and only single marks are removed', () => {
  assert.equal(tok('What?! Really?'), 'what ?! really');
});

test('characters the lexer cannot tokenize are dropped; currency and fractions are mapped', () => {
  assert.equal(tok('a dog \u{1F436} runs'), 'a dog runs');
  assert.equal(tok('\u20ac5 and \u00a33 for \u00bd'), '$ 5 and # 3 for 1\\/2');
});

test('a batch keeps one output per caption, even with line-break characters inside a caption', () => {
  assert.deepEqual(ptbTokenize(['one\rtwo', '', 'three\u2028four.', 'five']), ['one two', '', 'three four', 'five']);
  assert.deepEqual(ptbTokenize([]), []);
});

test('the lexer fast paths give exactly what trying every rule gives', () => {
  const tricky = [
    'Mr. Smith, etc.\nThe end. e.g. U.S. flag; i.e., a.k.a. Jan. 5 cannot. CANNOT, Inc.,',
    'x , y . . . z ... 3.5 .5 ,5 1,000. a. b, co. the end.\n\nA dog.',
    "it's o'clock don't y'all '90s 'tis ''quoted'' \"left\" 5 1/2 (555) 123-4567 www.x.com.",
  ];
  const rng = new Rng(11);
  const alphabet = 'aAeEmnrstUSIi .,.,  \n\'-"()0123456789:;?!&$';
  for (let i = 0; i < 150; i++) tricky.push(Array.from({ length: 40 }, () => alphabet[rng.int(alphabet.length)]).join(''));
  for (const text of tricky) assert.deepEqual(lexLines(text), lexLines(text, { fastPaths: false }), JSON.stringify(text));
});
