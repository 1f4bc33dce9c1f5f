// N-gram counting shared by BLEU and CIDEr-D, as pycocoevalcap's `precook` does it: the words of
// a sentence (split on whitespace), counted for n = 1..4. N-grams get dense integer ids per order
// and every sentence's counts live in a few shared typed arrays (no per-sentence objects), so
// that scoring tens of thousands of captions stays fast and light on the garbage collector.

import { pySplit } from './pysemantics.ts';

export const MAX_NGRAM = 4;

/**
 * The n-gram counts of many sentences. Sentence s's distinct n-grams of order k (1-based) are the
 * entries start(s, k) <= j < end(s, k) of `ids` / `counts`, in order of first occurrence: the
 * iteration order of the Python dict that CIDEr-D sums over.
 */
export class NgramTable {
  private idPool: Int32Array = new Int32Array(1 << 16);
  private countPool: Int32Array = new Int32Array(1 << 16);
  private used = 0;
  private bounds: Int32Array = new Int32Array(1 << 12); // sentence s, order k: [bounds[s*5 + k-1], bounds[s*5 + k])
  private lengths: Int32Array = new Int32Array(1 << 10);
  private sentenceCount = 0;
  private readonly words = new Map<string, number>();
  private readonly extensions = Array.from({ length: MAX_NGRAM }, () => new PairTable()); // (prefix id, word id) -> id

  get ids(): Int32Array {
    return this.idPool;
  }

  get counts(): Int32Array {
    return this.countPool;
  }

  start(sentence: number, k: number): number {
    return this.bounds[sentence * (MAX_NGRAM + 1) + k - 1];
  }

  end(sentence: number, k: number): number {
    return this.bounds[sentence * (MAX_NGRAM + 1) + k];
  }

  /** Number of sentences added. */
  get sentences(): number {
    return this.sentenceCount;
  }

  /** Number of words of a sentence. */
  wordCount(sentence: number): number {
    return this.lengths[sentence];
  }

  /** Number of distinct n-grams of order k seen so far (ids are 0 .. size-1). */
  size(k: number): number {
    return k === 1 ? this.words.size : this.extensions[k - 1].size;
  }

  /** One zeroed Float64Array per order, indexed by n-gram id (scratch space for scorers). */
  denseArrays(): Float64Array[] {
    return Array.from({ length: MAX_NGRAM }, (_, k) => new Float64Array(this.size(k + 1)));
  }

  /** Count the n-grams of a sentence (a tokenized string, split on whitespace); returns its index. */
  add(sentence: string): number {
    const s = this.sentenceCount++;
    const wordIds = pySplit(sentence).map((w) => this.wordId(w));
    this.reserve(s, wordIds.length * MAX_NGRAM);
    this.lengths[s] = wordIds.length;
    const base = s * (MAX_NGRAM + 1);
    this.bounds[base] = this.used;
    let ids = wordIds;
    for (let k = 1; k <= MAX_NGRAM; k++) {
      if (k > 1) ids = this.extend(ids, wordIds, k);
      this.tally(ids);
      this.bounds[base + k] = this.used;
    }
    return s;
  }

  /** Append the distinct ids with their counts, in first-occurrence order (a short linear scan). */
  private tally(ids: number[]): void {
    const first = this.used;
    for (const id of ids) {
      let j = first;
      while (j < this.used && this.idPool[j] !== id) j++;
      if (j === this.used) {
        this.idPool[this.used] = id;
        this.countPool[this.used++] = 0;
      }
      this.countPool[j]++;
    }
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

  private reserve(sentence: number, entries: number): void {
    this.idPool = ensure(this.idPool, this.used + entries);
    this.countPool = ensure(this.countPool, this.used + entries);
    this.bounds = ensure(this.bounds, (sentence + 1) * (MAX_NGRAM + 1));
    this.lengths = ensure(this.lengths, sentence + 1);
  }
}

function ensure(array: Int32Array, length: number): Int32Array {
  if (length <= array.length) return array;
  const grown = new Int32Array(Math.max(length, array.length * 2));
  grown.set(array);
  return grown;
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
