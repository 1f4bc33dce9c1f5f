// The synthetic datasets on first use, and reused after: each dataset directory under `root` whose
// manifest records the same generator version and settings, and whose shard files are all there at
// their recorded sizes, is kept; any other is (re)generated. A word-level tokenizer covering every
// word the generator can produce is written to `root/tokenizer.json`. Parallel callers wait on a
// lock, so each dataset is generated once.
//
//   const synth = await ensureSynthetic('datasets/synth', { scale: 'small', seed: 0 })
//   synth.datasets.webli -> 'datasets/synth/webli';  synth.tokenizer -> 'datasets/synth/tokenizer.json'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../../util/hash.ts';
import { withLock } from '../lock.ts';
import { readManifest } from '../manifest.ts';
import { buildWordLevelTokenizer, saveTokenizer, tokenizerFileText } from '../tokenizer.ts';
import { generateSet, synthSource, type SynthOptions } from './generate.ts';
import { getSynthSet, SYNTH_SETS, type SynthSet } from './sets.ts';
import { synthVocabularyTexts } from './tokenizer-texts.ts';

export interface EnsureOptions extends SynthOptions {
  /** Only these datasets (default: all of SYNTH_SETS). */
  only?: string[];
  /** Regenerate even when a matching dataset exists. */
  force?: boolean;
  /** Called as each dataset is reused or generated. */
  onDataset?: (event: { name: string; action: 'reused' | 'generated'; rows: number; seconds: number }) => void;
}

export interface SynthResult {
  /** Dataset name -> directory. */
  datasets: Record<string, string>;
  tokenizer: string;
  generated: string[];
  reused: string[];
}

/** Whether `dir` holds the dataset these settings would generate (manifest settings and shard sizes; no hashing). */
function isCurrent(dir: string, set: SynthSet, o: SynthOptions): boolean {
  try {
    const m = readManifest(dir);
    if (canonicalJson(m.source) !== canonicalJson(synthSource(set, o))) return false;
    return m.shards.every((s) => existsSync(join(dir, s.file)) && statSync(join(dir, s.file)).size === s.bytes);
  } catch {
    return false;
  }
}

/** What ensureSynthetic(root, o) would give, and what it would (re)generate to get there; reads only. */
export interface SynthPlan {
  datasets: Record<string, string>; // name -> directory
  tokenizer: string;
  stale: string[]; // the datasets it would (re)generate
  tokenizerStale: boolean; // whether it would (re)write the tokenizer
}

export function planSynthetic(root: string, o: EnsureOptions): SynthPlan {
  const sets = o.only ? o.only.map(getSynthSet) : SYNTH_SETS;
  const tokenizer = join(root, 'tokenizer.json');
  return {
    datasets: Object.fromEntries(sets.map((set) => [set.name, join(root, set.name)])),
    tokenizer,
    stale: sets.filter((set) => o.force || !isCurrent(join(root, set.name), set, o)).map((set) => set.name),
    tokenizerStale: !existsSync(tokenizer) || readFileSync(tokenizer, 'utf8') !== tokenizerFileText(synthTokenizer()),
  };
}

export async function ensureSynthetic(root: string, o: EnsureOptions): Promise<SynthResult> {
  mkdirSync(root, { recursive: true });
  return withLock(join(root, '.synth.lock'), async () => {
    const plan = planSynthetic(root, o);
    if (plan.tokenizerStale) saveTokenizer(plan.tokenizer, synthTokenizer());
    const result: SynthResult = { datasets: plan.datasets, tokenizer: plan.tokenizer, generated: [], reused: [] };
    for (const [name, dir] of Object.entries(plan.datasets)) {
      const start = performance.now();
      const reuse = !plan.stale.includes(name);
      const rows = reuse ? readManifest(dir).totalRows : (await generateSet(dir, getSynthSet(name), o)).totalRows;
      result[reuse ? 'reused' : 'generated'].push(name);
      o.onDataset?.({ name, action: reuse ? 'reused' : 'generated', rows, seconds: (performance.now() - start) / 1000 });
    }
    return result;
  });
}

/** The word-level tokenizer covering every word the generator can produce. */
function synthTokenizer() {
  return buildWordLevelTokenizer(synthVocabularyTexts());
}
