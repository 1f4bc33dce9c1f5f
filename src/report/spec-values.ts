// Reading a trial's resolved spec by dotted key, and finding the keys on which trials differ (the
// default grouping of `vadapter compare`: what was swept or overridden, seeds aside).

/** The value at `a.b.c` of a JSON document, or undefined. */
export function valueAt(doc: unknown, dotted: string): unknown {
  let at: unknown = doc;
  for (const part of dotted.split('.')) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/** A value as the command line writes it: strings bare, everything else as JSON, absent as "-". */
export function displayValue(value: unknown): string {
  if (value === undefined) return '-';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Dotted key -> JSON text of every leaf (arrays are leaves). */
function leaves(doc: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    for (const [k, v] of Object.entries(doc)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, JSON.stringify(doc));
  }
  return out;
}

/** Keys whose last part is `seed` are replicates, not arms; the `sweep` block only restates the trials. */
function isGroupable(key: string): boolean {
  return key.split('.').at(-1) !== 'seed' && !key.startsWith('sweep.') && key !== 'sweep';
}

/** Leaf keys whose values are not the same in every document, in order of first appearance. */
export function differingKeys(docs: unknown[]): string[] {
  const maps = docs.map((d) => leaves(d));
  const keys = [...new Set(maps.flatMap((m) => [...m.keys()]))];
  return keys.filter((k) => isGroupable(k) && new Set(maps.map((m) => m.get(k))).size > 1);
}

/** The shortest dotted suffix of each key that no other key ends with (`models.vit.preset` -> `vit.preset` beside `models.tlm.preset`). */
export function shortKeys(keys: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of keys) {
    const parts = key.split('.');
    let n = 1;
    const clash = (len: number) => keys.some((o) => o !== key && o.split('.').slice(-len).join('.') === parts.slice(-len).join('.'));
    while (n < parts.length && clash(n)) n++;
    out.set(key, parts.slice(-n).join('.'));
  }
  return out;
}
