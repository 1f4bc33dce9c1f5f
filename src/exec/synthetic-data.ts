// Experiments that name `data.synthetic` get the synthetic family generated on first use (and
// reused after: ensureSynthetic checks the manifests), and any of data.train, data.eval, data.text
// and data.tokenizer they leave out filled in from it. Runs before planning, because fingerprints
// include the datasets' manifests.
import { ensureSynthetic } from '../data/synth/ensure.ts';
import { SYNTH_SETS, type SynthSet } from '../data/synth/sets.ts';
import type { DataBlock } from '../spec/schema.ts';
import type { SpecTrial } from '../spec/load.ts';

export type DataLog = (line: string) => void;

function setsOf(split: SynthSet['split'], datasets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(SYNTH_SETS.filter((s) => s.split === split).map((s) => [s.name, datasets[s.name]]));
}

async function synthesize(synthetic: NonNullable<DataBlock['synthetic']>, log: DataLog) {
  return ensureSynthetic(synthetic.root, {
    scale: synthetic.scale,
    seed: synthetic.seed,
    onDataset: (e) => {
      if (e.action === 'generated') log(`generated synthetic ${e.name}: ${e.rows} rows in ${e.seconds.toFixed(1)}s`);
    },
  });
}

/** Generate what the trials' `data.synthetic` blocks need and fill their data defaults in place. */
export async function prepareSyntheticData(trials: SpecTrial[], log: DataLog): Promise<void> {
  const done = new Map<string, Awaited<ReturnType<typeof ensureSynthetic>>>();
  for (const trial of trials) {
    const data = trial.spec.data;
    if (!data.synthetic) continue;
    const key = JSON.stringify(data.synthetic);
    if (!done.has(key)) done.set(key, await synthesize(data.synthetic, log));
    const made = done.get(key)!;
    trial.spec.data = {
      ...data,
      train: data.train ?? setsOf('train', made.datasets),
      eval: data.eval ?? setsOf('eval', made.datasets),
      text: data.text ?? setsOf('text', made.datasets),
      tokenizer: data.tokenizer ?? made.tokenizer,
    };
  }
}
