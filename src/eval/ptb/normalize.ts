// The token rewrites the PTB lexer applies under its default (PTB3 escaping) options: LaTeX
// quotes, PTB bracket names, "--" dashes, "\/" and "\*" escapes, currency and fraction mapping.

export const OPEN_PAREN = '-LRB-';
export const CLOSE_PAREN = '-RRB-';
export const OPEN_BRACE = '-LCB-';
export const CLOSE_BRACE = '-RCB-';
export const PTB_DASH = '--';
export const PTB_ELLIPSIS = '...';

/** Quotes to ``, `, ', '' (LaTeX style): ambiguous ASCII quotes by the lexer's left/right guess. */
export function latexQuotes(token: string, probablyLeft: boolean): string {
  return token
    .replace(/&apos;|'/g, probablyLeft ? '`' : "'")
    .replace(/"|&quot;/g, probablyLeft ? '``' : "''")
    .replace(/[\u0091\u2018\u201B\u2039]/g, '`')
    .replace(/[\u0092\u2019\u203A]/g, "'")
    .replace(/[\u0093\u201C\u00AB]/g, '``')
    .replace(/[\u0094\u201D\u00BB]/g, "''");
}

/** Put a backslash before every `c` that does not already have one (the PTB3 "\/" and "\*"). */
export function escapeChar(token: string, c: string): string {
  let out = '';
  for (let i = 0; i < token.length; i++) {
    if (token[i] === c && (i === 0 || token[i - 1] !== '\\')) out += '\\';
    out += token[i];
  }
  return out;
}

/** Soft hyphens (U+00AD) are dropped; a token made only of them becomes "-". */
export function removeSoftHyphens(token: string): string {
  const out = token.replace(/\u00AD/g, '');
  return out.length === 0 ? '-' : out;
}

export function normalizeAmpersand(token: string): string {
  return token.replace(/&amp;/gi, '&');
}

/** Cents, pounds and euros mapped to what the old WSJ text has: "cents", "#", "$". */
export function normalizeCurrency(token: string): string {
  return token.replace(/\u00A2/g, 'cents').replace(/\u00A3/g, '#').replace(/[\u0080\u00A4\u20A0\u20AC]/g, '$');
}

// The original maps U+2153 twice (to 1/3, then "to 2/3"), so U+2154 is never rewritten.
const FRACTIONS: [RegExp, string][] = [
  [/\u00BC/g, '1\\/4'],
  [/\u00BD/g, '1\\/2'],
  [/\u00BE/g, '3\\/4'],
  [/\u2153/g, '1\\/3'],
];

export function normalizeFractions(token: string): string {
  return FRACTIONS.reduce((s, [from, to]) => s.replace(from, to), token);
}

/** Spaces inside a token (fractions, phone numbers, SGML) become no-break spaces. */
export function spacesToNoBreak(token: string): string {
  return token.replace(/ /g, '\u00A0');
}

export function ptbParentheses(token: string): string {
  return token.replace(/\(/g, OPEN_PAREN).replace(/\)/g, CLOSE_PAREN);
}
