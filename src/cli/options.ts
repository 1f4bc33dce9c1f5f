// Numeric command-line options, declared once with what they accept: yargs coerces every value (the
// default too) through `numberOptions`, so a bad value fails the parse, before any handler runs or
// anything is written, with `✖ --jobs: expected a positive integer, got "abc"` (exit 2). Choices
// are yargs's own `choices:`, whose message lists them.
import type { Options } from 'yargs';
import { userError } from '../util/errors.ts';

export interface NumberRule {
  what: string; // what it accepts, in words, for messages and --help
  accepts: (n: number) => boolean; // n is finite
}

export const POSITIVE_INTEGER: NumberRule = { what: 'a positive integer', accepts: (n) => Number.isInteger(n) && n >= 1 };
export const NON_NEGATIVE_INTEGER: NumberRule = { what: 'a non-negative integer', accepts: (n) => Number.isInteger(n) && n >= 0 };
export const POSITIVE_NUMBER: NumberRule = { what: 'a positive number', accepts: (n) => n > 0 };

/** Numbers in [lo, hi). */
export function numberInRange(lo: number, hi: number): NumberRule {
  return { what: `a number in [${lo}, ${hi})`, accepts: (n) => n >= lo && n < hi };
}

/** Check one value of `--name` against `rule`; yargs has already turned numeric text into numbers. */
export function checkNumber(name: string, rule: NumberRule, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const fail = (found: string) => userError('bad_arguments', `expected ${rule.what}, got ${found}`, { path: [`--${name}`] });
  if (Array.isArray(value)) throw fail(`${value.length} values (${value.map((v) => JSON.stringify(v)).join(', ')}); give it once`);
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || !rule.accepts(n)) throw fail(JSON.stringify(value));
  return n;
}

export interface NumberOptionSpec {
  rule: NumberRule;
  describe: string;
  default?: number;
  alias?: string;
}

/**
 * Numeric options for `yargs.options(...)`, by name. Left untyped for yargs (which would turn "abc"
 * into NaN before it could be quoted); the coerce step parses and checks each value.
 */
export function numberOptions(specs: Record<string, NumberOptionSpec>): Record<string, Options> {
  return Object.fromEntries(Object.entries(specs).map(([name, { rule, describe, ...rest }]) => [
    name,
    { ...rest, describe: `${describe} (${rule.what})`, requiresArg: true, coerce: (value: unknown) => checkNumber(name, rule, value) },
  ]));
}
