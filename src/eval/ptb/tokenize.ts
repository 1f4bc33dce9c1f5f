// pycocoevalcap's tokenization step: Stanford's PTBTokenizer run with -preserveLines -lowerCase
// over all captions of a batch joined by newlines (one caption a line), then removal of the
// tokens in its punctuation list. The parenthesis tokens are lower-cased before that list is
// applied, so "-lrb-" and "-rrb-" survive, as they do in pycocoevalcap.

import { lexLines } from './lexer.ts';

const PUNCTUATION = new Set(["''", "'", '``', '`', '-LRB-', '-RRB-', '-LCB-', '-RCB-', '.', '?', '!', ',', ':', '-', '--', '...', ';']);

// pycocoevalcap replaces "\n" inside a caption by a space; the other characters the lexer takes
// for line ends would shift every later caption by a line there, so they become spaces here.
// eslint-disable-next-line no-control-regex -- vertical tab and form feed end lines for the lexer
const LINE_BREAKS = /[\n\r\u000B\u000C\u2028\u2029]/g;

/** Tokenize a batch of captions; returns one space-joined, lower-cased token string per caption. */
export function ptbTokenize(captions: readonly string[]): string[] {
  const lines = lexLines(captions.map((c) => c.replace(LINE_BREAKS, ' ')).join('\n'));
  return captions.map((_, i) =>
    (lines[i] ?? [])
      .map((token) => token.toLowerCase())
      .filter((token) => !PUNCTUATION.has(token))
      .join(' '),
  );
}
