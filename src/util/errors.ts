// Errors a user can cause (spec, data, checkpoint, CLI arguments) carry where they happened and
// what was expected, as data first, so that callers can collect them and the CLI can print them.

export interface SourcePos {
  file?: string;
  line?: number; // 1-based
  col?: number; // 1-based
}

export interface Issue extends SourcePos {
  code: string; // machine-readable, e.g. "invalid_type", "unknown_key", "corrupt_shard"
  path?: (string | number)[]; // where inside the document, e.g. ["stages", "stage2", "steps"]
  message: string; // what was expected and what was found
}

/** An error caused by the user's input; the CLI prints it without a stack and exits with code 2. */
export class UserError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue | Issue[]) {
    const list = Array.isArray(issues) ? issues : [issues];
    super(list.map(formatIssue).join('\n'));
    this.name = 'UserError';
    this.issues = list;
  }
}

export function formatLocation(pos: SourcePos): string {
  if (!pos.file) return '';
  if (pos.line === undefined) return pos.file;
  return pos.col === undefined ? `${pos.file}:${pos.line}` : `${pos.file}:${pos.line}:${pos.col}`;
}

export function formatPath(path: (string | number)[] | undefined): string {
  if (!path || path.length === 0) return '';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** `file:line:col: a.b.c: message`, leaving out the parts that are unknown. */
export function formatIssue(issue: Issue): string {
  const parts = [formatLocation(issue), formatPath(issue.path)].filter((s) => s.length > 0);
  return parts.length > 0 ? `${parts.join(': ')}: ${issue.message}` : issue.message;
}

/** Shorthand for the common single-issue case. */
export function userError(code: string, message: string, where: SourcePos & { path?: (string | number)[] } = {}): UserError {
  return new UserError({ code, message, ...where });
}

/** The closest candidate by edit distance, if it is close enough to be a plausible typo. */
function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  const limit = Math.max(1, Math.floor(input.length / 3));
  return best !== undefined && bestDist <= limit ? best : undefined;
}

/** ` (did you mean "<closest>"?)` when a known name is close to `name`, else ''; `show` turns the closest into what to suggest. */
export function didYouMeanHint(name: string, known: Iterable<string>, show = (closest: string) => closest): string {
  const closest = didYouMean(name, known);
  return closest === undefined ? '' : ` (did you mean "${show(closest)}"?)`;
}

/**
 * The message for a name that is not among the known ones:
 * `<subject> (did you mean "<closest>"?); <label>: <the known names, or none>`.
 */
export function unknownNameMessage(subject: string, name: string, known: readonly string[], list: { label?: string; none?: string } = {}): string {
  return `${subject}${didYouMeanHint(name, known)}; ${list.label ?? 'known'}: ${known.join(', ') || (list.none ?? 'none')}`;
}

/** Edit distance counting insertions, deletions, substitutions and adjacent transpositions as 1 each. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
