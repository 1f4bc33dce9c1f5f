// Rows of an input that cannot be imported (a missing image, one that does not decode, a record
// with a missing field): an error naming the file, the row and the problem, or, with `skip`, a row
// left out and counted, the first few problems kept for the report.
import type { z } from 'zod';
import { UserError, type Issue } from '../../util/errors.ts';
import { zodIssues } from '../json.ts';

const KEPT_ISSUES = 10;

export type Attempt<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

export class BadRows {
  count = 0;
  readonly examples: Issue[] = [];

  constructor(readonly skip: boolean) {}

  /** Throw `issue`, or count it when skipping. */
  report(issue: Issue): void {
    if (!this.skip) throw new UserError(issue);
    this.count++;
    if (this.examples.length < KEPT_ISSUES) this.examples.push(issue);
  }

  /** Run `fn`, keeping a UserError it throws as data, so that it can be reported in row order by `settle`. */
  async attempt<T>(fn: () => Promise<T>): Promise<Attempt<T>> {
    try {
      return { ok: true, value: await fn() };
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      return { ok: false, issues: err.issues };
    }
  }

  /** The attempt's value, or its issues reported (thrown, or counted when skipping) and undefined. */
  settle<T>(a: Attempt<T>): T | undefined {
    if (a.ok) return a.value;
    a.issues.forEach((issue) => this.report(issue));
    return undefined;
  }
}

/** Elements of `list` that fit `schema`; the others are bad rows at `name[i]` (at `[i]` for a list at the top of the file: name ''). */
export function validElements<T extends z.ZodType>(list: unknown[], schema: T, file: string, name: string, bad: BadRows): (z.output<T> & { index: number })[] {
  const out: (z.output<T> & { index: number })[] = [];
  list.forEach((item, index) => {
    const r = schema.safeParse(item);
    if (r.success) out.push({ ...(r.data as object), index } as z.output<T> & { index: number });
    else zodIssues(r.error, file, name === '' ? [index] : [name, index]).forEach((issue) => bad.report(issue));
  });
  return out;
}
