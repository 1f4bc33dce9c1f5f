// Tokenizers in the Hugging Face `tokenizer.json` format, the one real LLM tokenizers ship in.
// Loading and encoding go through @huggingface/tokenizers (pure JavaScript: BPE, WordPiece,
// Unigram and word-level models with their normalizers, pre-tokenizers and decoders). For the
// synthetic data a word-level tokenizer is built from a corpus and saved in the same format (it
// loads in Python's `tokenizers.Tokenizer.from_file`), with special tokens at fixed ids:
// <pad> 0, <bos> 1, <eos> 2, <unk> 3.
//
//   const tok = buildWordLevelTokenizer(texts);  saveTokenizer('tokenizer.json', tok)
//   const tok = loadTokenizer('tokenizer.json')   // special tokens: options, tokenizer_config.json, or known names
//   tok.encode('a red circle', { bos: true, eos: true }) -> [1, 7, 9, 12, 2];  tok.decode(ids) -> 'a red circle'
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic.ts';
import { UserError, userError } from '../util/errors.ts';
import { readJsonFile } from '../util/json-file.ts';
import { parseWith } from './json.ts';

export interface SpecialTokens {
  pad: string;
  bos: string;
  eos: string;
  /** Absent in byte-level BPE tokenizers, which need none. */
  unk?: string;
}

export const WORD_LEVEL_SPECIALS: Required<SpecialTokens> = { pad: '<pad>', bos: '<bos>', eos: '<eos>', unk: '<unk>' };

/** Names that common tokenizers give their special tokens, tried in order when nothing says otherwise. */
const KNOWN_NAMES: Record<keyof SpecialTokens, string[]> = {
  pad: ['<pad>', '[PAD]', '<|pad|>'],
  bos: ['<bos>', '<s>', '[CLS]', '<|begin_of_text|>', '<|startoftext|>', '<|endoftext|>'],
  eos: ['<eos>', '</s>', '[SEP]', '<|end_of_text|>', '<|endoftext|>'],
  unk: ['<unk>', '[UNK]', '<|unk|>'],
};

export interface TokenizerJson {
  model: { type?: string; vocab?: unknown; [key: string]: unknown };
  added_tokens?: { id: number; content: string }[];
  [key: string]: unknown;
}

export class TextTokenizer {
  readonly padId: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly unkId: number | null;
  readonly vocabSize: number;
  private readonly hf: Tokenizer;

  /** `json` is a parsed tokenizer.json; `specials` names its special tokens (each must be in its vocabulary). */
  constructor(
    readonly json: TokenizerJson,
    readonly specials: SpecialTokens,
    source = 'tokenizer',
  ) {
    this.hf = new Tokenizer(json, { unk_token: specials.unk, bos_token: specials.bos, eos_token: specials.eos, pad_token: specials.pad });
    const id = (role: keyof SpecialTokens, token: string) => {
      const found = this.hf.token_to_id(token);
      if (found === undefined) throw userError('bad_tokenizer', `the ${role} token "${token}" is not in the vocabulary`, { file: source });
      return found;
    };
    this.padId = id('pad', specials.pad);
    this.bosId = id('bos', specials.bos);
    this.eosId = id('eos', specials.eos);
    this.unkId = specials.unk === undefined ? null : id('unk', specials.unk);
    this.vocabSize = [...this.hf.get_vocab(true).values()].reduce((a, b) => Math.max(a, b), -1) + 1; // no spread: vocabularies of 10^5 ids
  }

  /** Token ids of `text`, optionally framed by <bos> and <eos> (the tokenizer's own post-processing is not applied). */
  encode(text: string, o: { bos?: boolean; eos?: boolean } = {}): number[] {
    const ids = this.hf.encode(text, { add_special_tokens: false }).ids;
    return [...(o.bos ? [this.bosId] : []), ...ids, ...(o.eos ? [this.eosId] : [])];
  }

  /** Text of `ids`; special tokens are dropped unless `keepSpecial`. */
  decode(ids: number[], o: { keepSpecial?: boolean } = {}): string {
    if (ids.length === 0) return '';
    return this.hf.decode(ids, { skip_special_tokens: !o.keepSpecial });
  }

  /** The token string of each id (for inspection). */
  tokens(text: string): string[] {
    return this.hf.encode(text, { add_special_tokens: false }).tokens;
  }
}

/** What loading relies on of a tokenizer.json (the library checks the rest of the model). */
const tokenizerFileSchema = z.looseObject({
  model: z.looseObject({
    type: z.string().optional(),
    vocab: z.union([z.record(z.string(), z.number().int().nonnegative()), z.array(z.unknown())]).optional(),
  }),
  added_tokens: z.array(z.looseObject({ id: z.number().int().nonnegative(), content: z.string() })).optional(),
});

const specialTokenSchema = z.union([z.string(), z.looseObject({ content: z.string() }), z.null()]).optional();
const tokenizerConfigSchema = z.looseObject({ pad_token: specialTokenSchema, bos_token: specialTokenSchema, eos_token: specialTokenSchema, unk_token: specialTokenSchema });

/**
 * Load a tokenizer.json; special tokens come from `specials`, else a tokenizer_config.json beside it,
 * else known names. Whatever is wrong with the file (missing, unreadable, not JSON, not a tokenizer,
 * rejected by the library) is a UserError naming it.
 */
export function loadTokenizer(path: string, specials: Partial<SpecialTokens> = {}): TextTokenizer {
  if (!existsSync(path)) throw userError('missing_file', 'file not found', { file: path });
  const raw = readJsonFile(path);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !('model' in raw)) {
    throw userError('bad_tokenizer', 'expected a Hugging Face tokenizer.json (an object with a "model")', { file: path });
  }
  const json = parseWith(tokenizerFileSchema, raw, path) as TokenizerJson;
  try {
    return new TextTokenizer(json, resolveSpecials(json, { ...configSpecials(path), ...definedOnly(specials) }, path), path);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw userError('bad_tokenizer', `cannot be loaded: ${(err as Error).message}`, { file: path });
  }
}

function definedOnly(o: Partial<SpecialTokens>): Partial<SpecialTokens> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Special token names from a tokenizer_config.json next to the tokenizer, if there is one. */
function configSpecials(path: string): Partial<SpecialTokens> {
  const file = join(dirname(path), 'tokenizer_config.json');
  if (!existsSync(file)) return {};
  const config = parseWith(tokenizerConfigSchema, readJsonFile(file), file);
  const name = (v: z.output<typeof specialTokenSchema>) => (typeof v === 'string' ? v : (v?.content ?? undefined));
  return definedOnly({ pad: name(config.pad_token), bos: name(config.bos_token), eos: name(config.eos_token), unk: name(config.unk_token) });
}

function vocabularyOf(json: TokenizerJson): Set<string> {
  const vocab = json.model.vocab;
  const words = Array.isArray(vocab) ? vocab.map((v) => String(Array.isArray(v) ? v[0] : v)) : Object.keys((vocab ?? {}) as object);
  return new Set([...words, ...(json.added_tokens ?? []).map((t) => t.content)]);
}

function resolveSpecials(json: TokenizerJson, given: Partial<SpecialTokens>, file: string): SpecialTokens {
  const vocab = vocabularyOf(json);
  const find = (role: keyof SpecialTokens) => given[role] ?? KNOWN_NAMES[role].find((t) => vocab.has(t));
  const [bos, eos] = [find('bos'), find('eos')];
  if (!bos || !eos) {
    const missing = !bos ? 'bos' : 'eos';
    throw userError('bad_tokenizer', `no ${missing} token found (tried ${KNOWN_NAMES[missing].join(' ')}); name it in tokenizer_config.json or pass it`, { file });
  }
  return { pad: find('pad') ?? eos, bos, eos, unk: find('unk') };
}

export interface WordLevelOptions {
  /** Leave out words seen fewer times; default 1. */
  minCount?: number;
  /** Keep at most this many tokens, specials included (the most frequent words). */
  maxVocab?: number;
}

/** Lowercase, then split as the `Whitespace` pre-tokenizer does: runs of word characters, runs of other non-space characters. */
function wordLevelPieces(text: string): string[] {
  return text.toLowerCase().match(/\w+|[^\w\s]+/gu) ?? [];
}

/** A word-level tokenizer over the words of `texts`, most frequent first after the four special tokens. */
export function buildWordLevelTokenizer(texts: Iterable<string>, o: WordLevelOptions = {}): TextTokenizer {
  const counts = new Map<string, number>();
  for (const text of texts) for (const w of wordLevelPieces(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const specials = Object.values(WORD_LEVEL_SPECIALS);
  const words = [...counts]
    .filter(([w, n]) => n >= (o.minCount ?? 1) && !specials.includes(w))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([w]) => w)
    .slice(0, o.maxVocab === undefined ? undefined : Math.max(0, o.maxVocab - specials.length));
  const vocab = Object.fromEntries([...specials, ...words].map((w, i) => [w, i]));
  return new TextTokenizer(wordLevelJson(vocab), WORD_LEVEL_SPECIALS);
}

function wordLevelJson(vocab: Record<string, number>): TokenizerJson {
  const added = Object.values(WORD_LEVEL_SPECIALS).map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: WORD_LEVEL_SPECIALS.unk },
  };
}

/** The tokenizer.json text of a tokenizer. */
export function tokenizerFileText(tok: TextTokenizer): string {
  return `${JSON.stringify(tok.json, null, 2)}\n`;
}

/** Write the tokenizer as tokenizer.json (atomically). */
export function saveTokenizer(path: string, tok: TextTokenizer): void {
  writeFileAtomic(path, tokenizerFileText(tok));
}
