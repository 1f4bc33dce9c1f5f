import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWordLevelTokenizer, loadTokenizer, saveTokenizer } from '../../src/data/tokenizer.ts';
import { tempDir } from './helpers.ts';

const CORPUS = ['a red circle', 'a blue square', 'A red square, on the left', 'three red circles?'];

test('a word-level tokenizer puts the special tokens first, then words by frequency', () => {
  const tok = buildWordLevelTokenizer(CORPUS);
  assert.deepEqual([tok.padId, tok.bosId, tok.eosId, tok.unkId], [0, 1, 2, 3]);
  // red 3, a 3, square 2 ... ties broken alphabetically
  assert.deepEqual(tok.tokens('A red, a RED'), ['a', 'red', ',', 'a', 'red']);
  assert.deepEqual(tok.encode('a red square'), [4, 5, 6]);
  assert.deepEqual(tok.encode('a red square', { bos: true, eos: true }), [1, 4, 5, 6, 2]);
  assert.deepEqual(tok.encode('a green square'), [4, 3, 6], 'unknown words map to <unk>');
  assert.equal(tok.vocabSize, 4 + 12);
  assert.equal(tok.decode([1, 4, 5, 6, 2, 0, 0]), 'a red square');
  assert.equal(tok.decode(tok.encode('three red circles, on the left?')), 'three red circles, on the left?');
  assert.equal(tok.decode([]), '');
});

test('vocabulary limits keep the most frequent words', () => {
  assert.equal(buildWordLevelTokenizer(CORPUS, { maxVocab: 6 }).vocabSize, 6);
  const frequent = buildWordLevelTokenizer(CORPUS, { minCount: 2 });
  assert.deepEqual(frequent.tokens('a red square circle'), ['a', 'red', 'square', 'circle']);
  assert.deepEqual(frequent.encode('circle'), [3], '"circle" occurs once: below minCount');
});

test('a saved tokenizer is a Hugging Face tokenizer.json that loads back with the same ids', () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'tokenizer.json');
    const tok = buildWordLevelTokenizer(CORPUS);
    saveTokenizer(path, tok);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(json.model.type, 'WordLevel');
    assert.equal(json.model.unk_token, '<unk>');
    assert.deepEqual(json.added_tokens.map((t: { content: string; id: number; special: boolean }) => [t.content, t.id, t.special]), [
      ['<pad>', 0, true],
      ['<bos>', 1, true],
      ['<eos>', 2, true],
      ['<unk>', 3, true],
    ]);
    const back = loadTokenizer(path);
    for (const text of [...CORPUS, 'a purple star']) assert.deepEqual(back.encode(text), tok.encode(text));
    assert.deepEqual([back.padId, back.bosId, back.eosId, back.unkId, back.vocabSize], [0, 1, 2, 3, tok.vocabSize]);
  } finally {
    cleanup();
  }
});

/** A GPT-2-style byte-level BPE tokenizer.json, small enough to check merges by hand. */
const BPE = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [{ id: 0, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: {
    type: 'BPE',
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: '',
    end_of_word_suffix: '',
    fuse_unk: false,
    byte_fallback: false,
    vocab: { '<|endoftext|>': 0, h: 1, e: 2, l: 3, o: 4, Ġ: 5, w: 6, r: 7, d: 8, he: 9, ll: 10, hell: 11, hello: 12, Ġw: 13, or: 14, Ġwor: 15, ld: 16, Ġworld: 17 },
    merges: ['h e', 'l l', 'he ll', 'hell o', 'Ġ w', 'o r', 'Ġw or', 'l d', 'Ġwor ld'],
  },
};

test('a byte-level BPE tokenizer.json loads, merges by rank and takes its special tokens from tokenizer_config.json', () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'tokenizer.json');
    writeFileSync(path, JSON.stringify(BPE));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<|endoftext|>', eos_token: { content: '<|endoftext|>' } }));
    const tok = loadTokenizer(path);
    assert.deepEqual(tok.encode('hello world'), [12, 17]);
    assert.deepEqual(tok.encode('hold'), [1, 4, 16]);
    assert.deepEqual(tok.encode('hello', { eos: true }), [12, 0]);
    assert.equal(tok.decode([12, 17, 0]), 'hello world');
    assert.deepEqual([tok.bosId, tok.eosId, tok.padId, tok.unkId], [0, 0, 0, null], 'pad falls back to eos; byte-level BPE has no unk');
  } finally {
    cleanup();
  }
});

test('tokenizer files that cannot be used say why', () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'tokenizer.json');
    writeFileSync(path, JSON.stringify({ vocab: {} }));
    assert.throws(() => loadTokenizer(path), /tokenizer\.json: expected a Hugging Face tokenizer\.json \(an object with a "model"\)/);
    writeFileSync(path, JSON.stringify({ ...BPE, added_tokens: [] , model: { ...BPE.model, vocab: { h: 0 } } }));
    assert.throws(() => loadTokenizer(path), /no bos token found \(tried <bos> <s>/);
    writeFileSync(path, JSON.stringify(BPE));
    assert.throws(() => loadTokenizer(path, { bos: '<s>' }), /the bos token "<s>" is not in the vocabulary/);
  } finally {
    cleanup();
  }
});
