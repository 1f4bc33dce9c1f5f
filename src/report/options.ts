// Per-metric options as the command line gives them: `--target 2.5` (the only metric), or
// `--target val/loss=2.5 --target eval/coco/CIDEr=0.6`; `--mode max` (every metric) or `KEY=max`.
import { userError } from '../util/errors.ts';
import type { Mode } from './metric-mode.ts';

/** Split `KEY=VALUE` / bare `VALUE` entries over the metrics; a bare value needs a single metric unless `bareForAll`. */
function perMetric<T>(option: string, entries: string[], metrics: string[], parse: (raw: string, entry: string) => T, bareForAll: boolean): Record<string, T> {
  const out: Record<string, T> = {};
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    if (at < 0) {
      if (!bareForAll && metrics.length > 1) throw userError('bad_arguments', `--${option} ${entry}: with several metrics, name one (--${option} KEY=${entry})`);
      for (const m of metrics) out[m] = parse(entry, entry);
      continue;
    }
    const key = entry.slice(0, at);
    if (!metrics.includes(key)) throw userError('bad_arguments', `--${option} ${entry}: "${key}" is not one of the metrics compared (${metrics.join(', ')})`);
    out[key] = parse(entry.slice(at + 1), entry);
  }
  return out;
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

/** `a,b --x c` style lists: every entry split on commas, blanks dropped. */
export function splitList(entries: string[] | undefined): string[] | undefined {
  return entries?.flatMap((e) => e.split(',')).map((e) => e.trim()).filter((e) => e.length > 0);
}
