// N-gram counting shared by BLEU and CIDEr-D, as pycocoevalcap's `precook` does it: the words of
// a sentence (split on whitespace), counted for n = 1..4. N-grams get dense integer ids per
// order, so that scoring works on typed arrays rather than on joined strings.

import { pySplit } from './pysemantics.ts';

export const MAX_NGRAM = 4;

/** The distinct n-grams of one order in a sentence, in order of first occurrence, with counts. */
export interface NgramList {
  ids: number[];
  counts: number[];
}

/**
 * One sentence's n-gram counts, one list per order (index 0 = unigrams). First-occurrence order
 * is the iteration order of the Python dict that CIDEr-D sums over.
 */
export interface NgramCounts {
  length: number; // number of words
  orders: NgramList[];
}

/** Interns words and n-grams; ids are dense per order and stable for the vocabulary's lifetime. */
export class NgramVocabulary {
  private readonly words = new Map<string, number>();
  private readonly extensions: PairTable[]; // order k >= 2: (id of the (k-1)-gram prefix, word id) -> id

  constructor() {
    this.extensions = Array.from({ length: MAX_NGRAM }, () => new PairTable());
  }

  /** Number of distinct n-grams seen so far of order k (1-based). */
  size(k: number): number {
    return k === 1 ? this.words.size : this.extensions[k - 1].size;
  }

  /** Count the n-grams of a sentence (a tokenized string, split on whitespace). */
  count(sentence: string): NgramCounts {
    const wordIds = pySplit(sentence).map((w) => this.wordId(w));
    const orders: NgramList[] = [];
    let ids = wordIds;
    for (let k = 1; k <= MAX_NGRAM; k++) {
      if (k > 1) ids = this.extend(ids, wordIds, k);
      orders.push(tally(ids));
    }
    return { length: wordIds.length, orders };
  }

  /** One zeroed Float64Array per order, indexed by n-gram id (scratch space for scorers). */
  denseArrays(): Float64Array[] {
    return Array.from({ length: MAX_NGRAM }, (_, k) => new Float64Array(this.size(k + 1)));
  }

  private wordId(word: string): number {
    let id = this.words.get(word);
    if (id === undefined) {
      id = this.words.size;
      this.words.set(word, id);
    }
    return id;
  }

  /** Ids of the k-grams: the (k-1)-gram starting at i extended by the word at i + k - 1. */
  private extend(prefixes: number[], wordIds: number[], k: number): number[] {
    const table = this.extensions[k - 1];
    const ids: number[] = [];
    for (let i = 0; i + k <= wordIds.length; i++) ids.push(table.intern(prefixes[i], wordIds[i + k - 1]));
    return ids;
  }
}

/** Distinct ids in first-occurrence order with their counts (sentences are short: a linear scan). */
function tally(ids: number[]): NgramList {
  const unique: number[] = [];
  const counts: number[] = [];
  for (const id of ids) {
    const j = unique.indexOf(id);
    if (j === -1) {
      unique.push(id);
      counts.push(1);
    } else {
      counts[j]++;
    }
  }
  return { ids: unique, counts };
}

/** Open-addressing hash map from a pair of non-negative int32s to a dense id. */
class PairTable {
  size = 0;
  private keysA = new Int32Array(1024).fill(-1);
  private keysB = new Int32Array(1024);
  private values = new Int32Array(1024);

  intern(a: number, b: number): number {
    if ((this.size + 1) * 2 > this.keysA.length) this.grow();
    const mask = this.keysA.length - 1;
    let slot = hashPair(a, b) & mask;
    while (this.keysA[slot] !== -1) {
      if (this.keysA[slot] === a && this.keysB[slot] === b) return this.values[slot];
      slot = (slot + 1) & mask;
    }
    this.keysA[slot] = a;
    this.keysB[slot] = b;
    this.values[slot] = this.size;
    return this.size++;
  }

  private grow(): void {
    const { keysA, keysB, values } = this;
    this.keysA = new Int32Array(keysA.length * 2).fill(-1);
    this.keysB = new Int32Array(keysA.length * 2);
    this.values = new Int32Array(keysA.length * 2);
    const mask = this.keysA.length - 1;
    for (let i = 0; i < keysA.length; i++) {
      if (keysA[i] === -1) continue;
      let slot = hashPair(keysA[i], keysB[i]) & mask;
      while (this.keysA[slot] !== -1) slot = (slot + 1) & mask;
      this.keysA[slot] = keysA[i];
      this.keysB[slot] = keysB[i];
      this.values[slot] = values[i];
    }
  }
}

function hashPair(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  return Math.imul(h, 0xc2b2ae35) >>> 0;
}
