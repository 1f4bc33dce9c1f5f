// Per-metric options as the command line gives them: `--target 2.5` (the only metric), or
// `--target val/loss=2.5 --target eval/coco/CIDEr=0.6`; `--mode max` (every metric) or `KEY=max`;
// `--y-scale zoom` (every metric) or `KEY=log`. (`--reference`: references.ts.)
import { userError } from '../util/errors.ts';
import type { Mode } from './metric-mode.ts';
import { Y_SCALES, type YScale } from './y-scale.ts';

/**
 * Split `KEY=VALUE` / bare `VALUE` entries over the metrics; a bare value needs a single metric unless
 * `bareForAll`, and a `KEY=VALUE` entry wins over a bare one wherever they stand.
 */
function perMetric<T>(option: string, entries: string[], metrics: string[], parse: (raw: string, entry: string) => T, bareForAll: boolean): Record<string, T> {
  const bare: Record<string, T> = {};
  const keyed: Record<string, T> = {};
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    if (at < 0) {
      if (!bareForAll && metrics.length > 1) throw userError('bad_arguments', `--${option} ${entry}: with several metrics, name one (--${option} KEY=${entry})`);
      for (const m of metrics) bare[m] = parse(entry, entry);
      continue;
    }
    const key = entry.slice(0, at);
    if (!metrics.includes(key)) throw userError('bad_arguments', `--${option} ${entry}: "${key}" is not one of the metrics compared (${metrics.join(', ')})`);
    keyed[key] = parse(entry.slice(at + 1), entry);
  }
  return { ...bare, ...keyed };
}

export function parseTargets(entries: string[], metrics: string[]): Record<string, number> {
  return perMetric('target', entries, metrics, (raw, entry) => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) throw userError('bad_arguments', `--target ${entry}: expected a number, got "${raw}"`);
    return v;
  }, false);
}

export function parseModes(entries: string[], metrics: string[]): Record<string, Mode> {
  return perMetric('mode', entries, metrics, (raw, entry) => {
    if (raw !== 'min' && raw !== 'max') throw userError('bad_arguments', `--mode ${entry}: expected min or max, got "${raw}"`);
    return raw;
  }, true);
}

export function parseYScales(entries: string[], metrics: string[]): Record<string, YScale> {
  return perMetric('y-scale', entries, metrics, (raw, entry) => {
    if (!(Y_SCALES as readonly string[]).includes(raw)) throw userError('bad_arguments', `--y-scale ${entry}: expected ${Y_SCALES.join(', ')} (or KEY=one of them), got "${raw}"`);
    return raw as YScale;
  }, true);
}

/** `a,b --x c` style lists: every entry split on commas, blanks dropped. */
export function splitList(entries: string[] | undefined): string[] | undefined {
  return entries?.flatMap((e) => e.split(',')).map((e) => e.trim()).filter((e) => e.length > 0);
}
