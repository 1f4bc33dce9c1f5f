// Experiments that name `data.synthetic` get the synthetic family generated on first use (and
// reused after: ensureSynthetic checks the manifests), and any of data.train, data.eval, data.text
// and data.tokenizer they leave out filled in from it. Runs before planning, because fingerprints
// include the datasets' manifests. `plan` only looks: it fills in the same paths and reports what
// `run` would generate, writing nothing.
import { ensureSynthetic, planSynthetic } from '../data/synth/ensure.ts';
import { SYNTH_SETS, type SynthSet } from '../data/synth/sets.ts';
import type { DataBlock } from '../config/schema.ts';
import type { SpecTrial } from '../config/load.ts';

export type DataLog = (line: string) => void;

/** `generate`: make what is missing (run, diagnose); `plan`: only say what would be made. */
export type SyntheticMode = 'generate' | 'plan';

/** Synthetic data that `run` would generate (or regenerate) before starting. */
export interface PendingSynthetic {
  root: string;
  datasets: string[]; // names of the datasets, in SYNTH_SETS order
  dirs: string[]; // their directories
  tokenizer: string | null; // the tokenizer file, when it would be (re)written
}

type Synthetic = NonNullable<DataBlock['synthetic']>;

function setsOf(split: SynthSet['split'], datasets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(SYNTH_SETS.filter((s) => s.split === split).map((s) => [s.name, datasets[s.name]]));
}

async function synthesize(synthetic: Synthetic, log: DataLog) {
  return ensureSynthetic(synthetic.root, {
    scale: synthetic.scale,
    seed: synthetic.seed,
    onDataset: (e) => {
      if (e.action === 'generated') log(`generated synthetic ${e.name}: ${e.rows} rows in ${e.seconds.toFixed(1)}s`);
    },
  });
}

/** The paths the synthetic data will have, and what of it is still to be made, without writing. */
function lookAt(synthetic: Synthetic): { datasets: Record<string, string>; tokenizer: string; pending: PendingSynthetic | null } {
  const plan = planSynthetic(synthetic.root, { scale: synthetic.scale, seed: synthetic.seed });
  const stale = plan.stale.length > 0 || plan.tokenizerStale;
  const pending = stale ? { root: synthetic.root, datasets: plan.stale, dirs: plan.stale.map((n) => plan.datasets[n]), tokenizer: plan.tokenizerStale ? plan.tokenizer : null } : null;
  return { datasets: plan.datasets, tokenizer: plan.tokenizer, pending };
}

/**
 * Fill the trials' data defaults from their `data.synthetic` blocks in place; with `generate`, make
 * what is missing first. Returns what is (still) missing: with `plan`, what `run` would generate.
 */
export async function prepareSyntheticData(trials: SpecTrial[], log: DataLog, mode: SyntheticMode = 'generate'): Promise<PendingSynthetic[]> {
  const done = new Map<string, { datasets: Record<string, string>; tokenizer: string; pending: PendingSynthetic | null }>();
  for (const trial of trials) {
    const data = trial.spec.data;
    if (!data.synthetic) continue;
    const key = JSON.stringify(data.synthetic);
    if (!done.has(key)) done.set(key, mode === 'plan' ? lookAt(data.synthetic) : { ...(await synthesize(data.synthetic, log)), pending: null });
    const made = done.get(key)!;
    trial.spec.data = {
      ...data,
      train: data.train ?? setsOf('train', made.datasets),
      eval: data.eval ?? setsOf('eval', made.datasets),
      text: data.text ?? setsOf('text', made.datasets),
      tokenizer: data.tokenizer ?? made.tokenizer,
    };
  }
  return [...done.values()].flatMap((d) => (d.pending ? [d.pending] : []));
}
