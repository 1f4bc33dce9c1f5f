// Answer normalisation of the official VQA evaluation script (GT-Vision-Lab/VQA,
// PythonEvaluationTools/vqaEvaluation/vqaEval.py), quirks included:
// - punctuation is deleted when it touches a space or when the answer contains a digit-comma-digit
//   (anywhere), otherwise replaced by a space; the test looks at the original text;
// - a period is deleted unless a digit follows (the pattern's "(?!<=\d)" is a lookahead for the
//   literal "<=", not a lookbehind), at most 32 times (re.UNICODE is passed as the count);
// - words are lower-cased, number words up to ten become digits ("none" becomes "0"), articles
//   are dropped, and apostrophe-less contractions get their apostrophes back.

import { pySplit, pyStrip } from '../pysemantics.ts';

const PUNCTUATION = [';', '/', '[', ']', '"', '{', '}', '(', ')', '=', '+', '\\', '_', '-', '>', '<', '@', '`', ',', '?', '!'];
const DIGIT_COMMA_DIGIT = /\p{Nd},\p{Nd}/u;
const PERIOD_NOT_BEFORE_DIGIT = /\.(?!\p{Nd})/gu;
const MAX_PERIODS_REMOVED = 32; // re.UNICODE == 32, passed as re.sub's count

const NUMBER_WORDS = new Map([
  ['none', '0'], ['zero', '0'], ['one', '1'], ['two', '2'], ['three', '3'], ['four', '4'],
  ['five', '5'], ['six', '6'], ['seven', '7'], ['eight', '8'], ['nine', '9'], ['ten', '10'],
]);
const ARTICLES = new Set(['a', 'an', 'the']);

// The contracted forms the script restores. Its keys are each form with one apostrophe left out
// (with a single apostrophe: without it), e.g. "dont" and "couldnt've" / "couldn'tve". Keys with
// a capital ("Im", "Ive") never match: words are lower-cased first.
const CONTRACTED = `ain't aren't can't could've couldn't couldn't've didn't doesn't don't hadn't hadn't've hasn't haven't
he'd he'd've he's how'd how'll how's I'd've I'm I've isn't it'd it'd've it'll ma'am mightn't mightn't've might've
mustn't must've needn't not've o'clock oughtn't 'ow's'at shan't she'd've shouldn't shouldn't've should've somebody'd've
somebody'll somebody's someone'd someone'd've someone'll someone's something'd something'd've something'll that's
there'd there'd've there're there's they'd they'd've they'll they're they've 'twas wasn't we'd've weren't we've
what'll what're what's what've when's where'd where's where've who'd who'd've who'll who's who've why'll why're
why's won't would've wouldn't wouldn't've y'all y'all'll y'all'd've you'd you'd've you'll you're you've`;

function contractionMap(): Map<string, string> {
  const map = new Map<string, string>();
  for (const form of CONTRACTED.split(/\s+/)) {
    for (let i = form.indexOf("'"); i !== -1; i = form.indexOf("'", i + 1)) map.set(form.slice(0, i) + form.slice(i + 1), form);
  }
  map.set("somebody'd", 'somebodyd'); // the one entry that maps the other way round
  return map;
}

const CONTRACTIONS = contractionMap();

export function processPunctuation(text: string): string {
  const deleteAll = DIGIT_COMMA_DIGIT.test(text);
  let out = text;
  for (const p of PUNCTUATION) {
    const touchesSpace = text.includes(`${p} `) || text.includes(` ${p}`);
    out = out.split(p).join(deleteAll || touchesSpace ? '' : ' ');
  }
  let removed = 0;
  return out.replace(PERIOD_NOT_BEFORE_DIGIT, (period) => (removed++ < MAX_PERIODS_REMOVED ? '' : period));
}

export function processDigitArticle(text: string): string {
  return pySplit(text.toLowerCase())
    .map((word) => NUMBER_WORDS.get(word) ?? word)
    .filter((word) => !ARTICLES.has(word))
    .map((word) => CONTRACTIONS.get(word) ?? word)
    .join(' ');
}

/** What the script does to every answer and prediction: tabs and newlines become spaces, surrounding whitespace goes. */
export function cleanAnswer(text: string): string {
  return pyStrip(text.replace(/\n/g, ' ').replace(/\t/g, ' '));
}

/** What it does besides, to a cleaned text, when the human answers disagree: punctuation, then digits, articles and contractions. */
export function normalizeAnswer(text: string): string {
  return processDigitArticle(processPunctuation(text));
}

/** An answer as the script compares it when it normalises: cleaned, then normalised ("Two.", " two" and "2" are all "2"). */
export function canonicalAnswer(text: string): string {
  return normalizeAnswer(cleanAnswer(text));
}
