// A JFlex-style scanner over the PTB rules: at each position every rule is tried, the longest
// match wins (trailing context counts towards the length, as in JFlex), and on a tie the rule
// listed first. Returns the tokens of each input line.

import { americanize } from './americanize.ts';
import { PTB_RULES, type LexRule } from './rules.ts';

interface CompiledRule {
  rule: LexRule;
  patterns: RegExp[]; // one per (alternative x context), sticky; group 1 is the token text
}

/** JFlex %caseless: ASCII letters outside [...] classes and escapes match either case. */
function caselessSource(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const escape = /^\\(?:u[0-9a-fA-F]{4}|[pP]\{[^}]+\}|.)/su.exec(source.slice(i))![0];
      out += escape;
      i += escape.length - 1;
    } else if (inClass) {
      inClass = c !== ']';
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else {
      out += /[a-zA-Z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
    }
  }
  return out;
}

function compile(rule: LexRule): CompiledRule {
  const contexts = rule.context ?? [''];
  const patterns = rule.alts.flatMap((alt) =>
    contexts.map((ctx) => new RegExp(`(${caselessSource(alt)})${caselessSource(ctx)}`, 'uy')),
  );
  return { rule, patterns };
}

const COMPILED = PTB_RULES.map(compile);

interface Match {
  rule: LexRule;
  text: string; // without trailing context
}

function longestMatch(input: string, pos: number): Match {
  let best: Match | undefined;
  let bestLength = 0;
  for (const { rule, patterns } of COMPILED) {
    for (const pattern of patterns) {
      pattern.lastIndex = pos;
      const m = pattern.exec(input);
      if (m !== null && m[0].length > bestLength) {
        best = { rule, text: m[1] };
        bestLength = m[0].length;
      }
    }
  }
  return best!; // the UNTOKENIZABLE rule matches any character but \n, and NEWLINE matches \n
}

// Fast paths for the common cases, each provably the result the full rule set gives:
// - a run of SPACE characters: only the SPACES rule starts with one;
// - an ASCII word followed by a space, tab, newline or the end, or by "," or "." and then one of
//   those: no rule reaches further than WORD (ABBREV4/SPACE gives the same text, which
//   americanize leaves alone), unless the word is "cannot" or "word." is an abbreviation;
// - "," or "." followed by a newline, the end, or a space or tab and then anything but ".":
//   INSENTP or PERIOD (a number needs a digit next, an ellipsis another dot);
// - "\n": NEWLINE.
const SIMPLE_PUNCTUATION = /[.,](?=\n|$|[ \t](?!\.))/y;
const SPACE_RUN = /[ \t\u00A0\u2000-\u200A\u3000]+/y;
const PLAIN_WORD = /([A-Za-z]+)([.,]?)(?=[ \t\n]|$)/y;
const ABBREVIATIONS = COMPILED.filter(({ rule }) => rule.name.startsWith('ABBREV1') || rule.name === 'ABBREV2');

function isAbbreviation(input: string, pos: number, length: number): boolean {
  for (const { patterns } of ABBREVIATIONS) {
    for (const pattern of patterns) {
      pattern.lastIndex = pos;
      const m = pattern.exec(input);
      if (m !== null && m[1].length === length) return true;
    }
  }
  return false;
}

/** Length of a plain word at pos that lexes as WORD, or 0. */
function plainWordLength(input: string, pos: number): number {
  PLAIN_WORD.lastIndex = pos;
  const m = PLAIN_WORD.exec(input);
  if (m === null || m[1].toLowerCase() === 'cannot') return 0;
  if (m[2] === '.' && isAbbreviation(input, pos, m[0].length)) return 0;
  return m[1].length;
}

/** Lex the whole input; a NEWLINE rule ends a line. `fastPaths: false` tries every rule everywhere. */
export function lexLines(input: string, { fastPaths = true } = {}): string[][] {
  const lines: string[][] = [[]];
  let pos = 0;
  while (pos < input.length) pos = (fastPaths ? applyFastPath(input, pos, lines) : undefined) ?? applyLongestMatch(input, pos, lines);
  return lines;
}

/** Handle the common cases without trying every rule; undefined when none applies. */
function applyFastPath(input: string, pos: number, lines: string[][]): number | undefined {
  SPACE_RUN.lastIndex = pos;
  const spaces = SPACE_RUN.exec(input);
  if (spaces !== null) return pos + spaces[0].length;
  if (input[pos] === '\n') {
    lines.push([]);
    return pos + 1;
  }
  SIMPLE_PUNCTUATION.lastIndex = pos;
  if (SIMPLE_PUNCTUATION.test(input)) {
    lines[lines.length - 1].push(input[pos]);
    return pos + 1;
  }
  const plain = plainWordLength(input, pos);
  if (plain === 0) return undefined;
  lines[lines.length - 1].push(americanize(input.slice(pos, pos + plain)));
  return pos + plain;
}

/** Emit what the longest-matching rule at pos gives; returns the position to scan next. */
function applyLongestMatch(input: string, pos: number, lines: string[][]): number {
  const { rule, text } = longestMatch(input, pos);
  const kept = text.slice(0, text.length - (rule.pushbackBefore ?? 0));
  const token = rule.token(kept);
  if (token !== null) lines[lines.length - 1].push(token);
  if (rule.newline) lines.push([]);
  return pos + kept.length - (rule.pushbackAfter ?? 0);
}
