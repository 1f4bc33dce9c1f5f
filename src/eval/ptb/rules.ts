// The rules of Stanford's PTBLexer (CoreNLP 3.3/3.4 era, the jar pycocoevalcap runs: 3.4.1),
// re-expressed as JavaScript regular expressions. Order matters: of the rules matching the
// longest text at a position, the first listed wins (JFlex semantics). A rule lists its
// alternatives separately because JFlex takes the longest alternative where JavaScript would
// take the first. Literal letters become case-insensitive when compiled (JFlex %caseless);
// letters inside [...] classes stay case-sensitive, as in JFlex.
// Known simplifications are listed in docs/evaluation.md.

import { americanize } from './americanize.ts';
import {
  CLOSE_BRACE, CLOSE_PAREN, OPEN_BRACE, OPEN_PAREN, PTB_DASH, PTB_ELLIPSIS, escapeChar, latexQuotes,
  normalizeAmpersand, normalizeCurrency, normalizeFractions, ptbParentheses, removeSoftHyphens, spacesToNoBreak,
} from './normalize.ts';

export interface LexRule {
  name: string;
  alts: string[]; // alternatives for the token text
  context?: string[]; // JFlex trailing context (r1/r2): must follow, is not consumed
  /** The token for the matched text, or null to emit nothing (whitespace, untokenizable characters). */
  token: (text: string) => string | null;
  newline?: boolean; // a line break (the tokenizer runs with tokenizeNLs, as -preserveLines does)
  pushbackBefore?: number; // the last n characters are given back before the token is taken
  pushbackAfter?: number; // the token keeps them, but they are scanned again (a duplicated final period)
}

// ---- character classes and macros (named as in PTBLexer.flex) ----
const SPACE = '[ \\t\\u00A0\\u2000-\\u200A\\u3000]';
const NEWLINE_ALTS = ['\\r?\\n', '\\r', '\\u2028', '\\u2029', '\\u000B', '\\u000C', '\\u0085'];
const NEWLINE = `(?:${NEWLINE_ALTS.join('|')})`;
const SPACENL = `(?:${SPACE}|${NEWLINE})`;
const SGML = '<\\/?[A-Za-z!?][^>\\r\\n]*>';
const DIGIT = '\\p{Nd}';
const ALNUM = '[\\p{L}\\p{Nd}]';
const LETTER = '\\p{L}';
const SPLET = '&[aeiouAEIOU](?:acute|grave|uml);';
// JFlex [:letter:] plus hand-listed extras (mostly combining marks), approximated by \p{M}.
const WORD = `(?:[\\p{L}\\p{M}\\u00AD]|${SPLET})+`;
const APOS = "(?:['\\u0092\\u2019]|&apos;)";
const APOSETC = `(?:${APOS}|[\\u0091\\u2018\\u201B])`;
const HYPHEN = '[\\-_\\u058A\\u2010\\u2011]';
const REDAUX = `${APOS}(?:[msdMSD]|re|ve|ll)`;
const SWORD = '[A-Za-z\\u00AD]*[A-MO-Za-mo-z]\\u00AD*';
const SREDAUX = `n${APOSETC}t`;
const ACRO_ALTS = ['[A-Za-z](?:\\.[A-Za-z])+', '(?:Canada|Sino|Korean|EU|Japan|non)-U\\.S', 'U\\.S\\.-(?:U\\.K|U\\.S\\.S\\.R)'];
const ACRO = `(?:${ACRO_ALTS.join('|')})`;
const THING_PART = `(?:[dDoOlL]${APOSETC}${ALNUM})?${ALNUM}+`;
const THING = `${THING_PART}(?:${HYPHEN}${THING_PART})*`;
const THINGA = '[A-Z]+(?:(?:[+&]|&amp;)[A-Z]+)+';
const THING3 = '[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}(?:\\\\?\\/[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}){1,2}';
const HTHING = `[A-Za-z0-9][A-Za-z0-9.,\\u00AD]*(?:-(?:${ACRO}\\.|[A-Za-z0-9\\u00AD]+))+`;
const NUMBER_ALTS = [`[\\-+]?${DIGIT}*(?:[.:,\\u00AD\\u066B\\u066C]${DIGIT}+)+`, `[\\-+]?${DIGIT}+`];
const INSENTP = '[,;:\\u3001]';
const URL_STOP = ' \\t\\n\\f\\r"<>|()';
const URL_PATH = `(?:\\/[^${URL_STOP}]+[^${URL_STOP}.!?{},\\-])`;

const ABMONTH = 'Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec';
const ABDAYS = 'Mon|Tue|Tues|Wed|Thu|Thurs|Fri';
const ABSTATE =
  'Ala|Ariz|[A]rk|Calif|Colo|Conn|Dak|Del|Fla|Ga|[I]ll|Ind|Kans?|Ky|La|[M]ass|Md|Mich|Minn|[M]iss|Mo|Mont|Neb|Nev|Okla|[O]re|Pa|Penn|Tenn|Tex|Va|Vt|[W]ash|Wisc?|Wyo';
const ABTITLE =
  'Mr|Mrs|Ms|[M]iss|Drs?|Profs?|Sens?|Reps?|Attys?|Lt|Col|Gen|Messrs|Govs?|Adm|Rev|Maj|Sgt|Cpl|Pvt|Mt|Capt|Ste?|Ave|Pres|Lieut|Hon|Brig|Co?mdr|Pfc|Spc|Supts?|Det';
const ABPTIT = 'Jr|Sr|Bros|(?:Ed|Ph)\\.D|Blvd|Rd|Esq';
const ABCOMP = 'Inc|Cos?|Corp|Pp?tys?|Ltd|Plc|Bancorp|Dept|Bhd|Assn|Univ|Intl|Sys';
const ABCOMP2 = 'Invt|Elec|Natl|M[ft]g';
const ABNUM = 'Nos?|Prop|Ph|tel|est|ext|sq|ft';
const ABBREV1 = `(?:${ABMONTH}|${ABDAYS}|${ABSTATE}|${ABCOMP}|${ABNUM}|${ABPTIT}|etc|al|seq)\\.`;
const ABBREV4_ALTS = ['[A-Za-z]', `(?:${ABTITLE})`, 'vs', 'Alex', 'Wm', 'Jos', 'Cie', 'a\\.k\\.a', 'cf', 'TREAS', ...ACRO_ALTS, `(?:${ABCOMP2})`];
const SENTEND_ALTS = [`${SPACENL}${SGML}`, `${SPACENL}${SPACENL}`, `${SPACENL}[A-Z]`];
// Words after which an acronym's final period is also a sentence end (first letter case-sensitive).
const ACRONYM_FOLLOWERS =
  '[A]bout|[A]ccording|[A]dditionally|[A]fter|[A]n|[A]|[A]s|[A]t|[B]ut|[E]arlier|[H]e|[H]er|[H]ere|[H]owever|[I]f|[I]n|[I]t|[L]ast|[M]any|[M]ore|[M]r\\.|[M]s\\.|[N]ow|[O]nce|[O]ne|[O]ther|[O]ur|[S]he|[S]ince|[S]o|[S]ome|[S]uch|[T]hat|[T]he|[T]hen|[T]here|[T]hese|[T]hey|[T]his|[W]e|[W]hen|[W]hile|[W]hat|[Y]et|[Y]ou';

const APOWORD_ALTS = [
  `${APOS}n${APOS}?`, `[lLdDjJ]${APOS}`, `Dunkin${APOS}`, `somethin${APOS}`, `ol${APOS}`, `${APOS}em`,
  `[A-HJ-XZn]${APOSETC}${LETTER}{2}${LETTER}*`, `${APOS}[2-9]0s`, `${APOS}till?`,
  `${LETTER}${LETTER}*[aeiouyAEIOUY]${APOSETC}[aeiouA-Z]${LETTER}*`, `${APOS}cause`,
  "cont'd\\.?", "'twas", "nor'easter", "c'mon", "e'er", "s'mores", "ev'ry", "li'l", "nat'l",
];

const PHONE_ALTS = [
  '(?:\\([0-9]{2,3}\\)[ \\u00A0]?|(?:\\+\\+?)?(?:[0-9]{2,4}[\\- \\u00A0])?[0-9]{2,4}[\\- \\u00A0])[0-9]{3,4}[\\- \\u00A0]?[0-9]{3,5}',
  '(?:(?:\\+\\+?)?[0-9]{2,4}\\.)?[0-9]{2,4}\\.[0-9]{3,4}\\.[0-9]{3,5}',
];

const MISCSYMBOL =
  '[+%&~^|\\\\\\u00A6-\\u00A9\\u00AC\\u00AE\\u00AF\\u00B0-\\u00BA\\u00D7\\u00F7\\u0387\\u05BE\\u05C0\\u05C3\\u05C6\\u05F3\\u05F4' +
  '\\u0600-\\u0603\\u0606-\\u060A\\u060C\\u0614\\u061B\\u061E\\u066A\\u066D\\u0703-\\u070D\\u07F6-\\u07F8\\u0964\\u0965\\u0E4F' +
  '\\u1FBD\\u2016\\u2017\\u2020-\\u2023\\u2030-\\u2038\\u203B\\u203E-\\u2042\\u2044\\u207A-\\u207F\\u208A-\\u208E\\u2100-\\u214F' +
  '\\u2190-\\u21FF\\u2200-\\u2BFF\\u3012\\u30FB\\uFF01-\\uFF0F\\uFF1A-\\uFF20\\uFF3B-\\uFF40\\uFF5B-\\uFF65]';

const QUOTE_CHARS = '[`\\u2018\\u2019\\u201A\\u201B\\u201C\\u201D\\u0091\\u0092\\u0093\\u0094\\u201E\\u201F\\u2039\\u203A\\u00AB\\u00BB]';

// ---- token actions ----
const same = (t: string) => t;
const skip = () => null;
const constant = (s: string) => () => s;
const word = (t: string) => americanize(removeSoftHyphens(t));
const escapeSlash = (t: string) => escapeChar(t, '/');
const escapeUrl = (t: string) => escapeChar(escapeChar(t, '/'), '*');
const leftQuote = (t: string) => latexQuotes(t, true);
const rightQuote = (t: string) => latexQuotes(t, false);

export const PTB_RULES: LexRule[] = [
  { name: 'cannot', alts: ['cannot'], token: same, pushbackBefore: 3 },
  { name: 'SGML', alts: [SGML], token: spacesToNoBreak },
  { name: 'SPMDASH', alts: ['&(?:MD|mdash|ndash);', '[\\u0096\\u0097\\u2013\\u2014\\u2015]'], token: constant(PTB_DASH) },
  { name: 'SPAMP', alts: ['&amp;'], token: normalizeAmpersand },
  { name: 'SPPUNC', alts: ['&(?:HT|TL|UR|LR|QC|QL|QR|odq|cdq|#[0-9]+);'], token: same },
  { name: 'WORD/REDAUX', alts: [WORD], context: [REDAUX], token: word },
  { name: 'SWORD/SREDAUX', alts: [SWORD], context: [SREDAUX], token: removeSoftHyphens },
  { name: 'WORD', alts: [WORD], token: word },
  { name: 'APOWORD', alts: APOWORD_ALTS, token: same },
  { name: 'APOWORD2', alts: [`y${APOS}`], context: [LETTER], token: same },
  { name: 'FULLURL', alts: [`https?:\\/\\/[^${URL_STOP}]+[^${URL_STOP}.!?{},\\-]`], token: escapeUrl },
  {
    name: 'LIKELYURL',
    alts: [
      `www\\.(?:[^${URL_STOP}.!?{},]+\\.)+[a-zA-Z]{2,4}${URL_PATH}?`,
      `(?:[^${URL_STOP}\`'.!?{},-_$]+\\.)+(?:com|net|org|edu)${URL_PATH}?`,
    ],
    token: escapeUrl,
  },
  { name: 'EMAIL', alts: ['[a-zA-Z0-9][^ \\t\\n\\f\\r"<>|()\\u00A0]*@(?:[^ \\t\\n\\f\\r"<>|().\\u00A0]+\\.)*[^ \\t\\n\\f\\r"<>|().\\u00A0]+'], token: same },
  { name: 'TWITTER', alts: ['@[a-zA-Z_][a-zA-Z_0-9]*', `#${WORD}`], token: same },
  { name: 'REDAUX/nonletter', alts: [REDAUX], context: ['[^A-Za-z]'], token: rightQuote },
  { name: 'SREDAUX', alts: [SREDAUX], token: rightQuote },
  { name: 'DATE', alts: [`${DIGIT}{1,2}[\\-\\/]${DIGIT}{1,2}[\\-\\/]${DIGIT}{2,4}`], token: escapeSlash },
  { name: 'NUMBER', alts: NUMBER_ALTS, token: removeSoftHyphens },
  { name: 'SUBSUPNUM', alts: ['[\\u207A\\u207B\\u208A\\u208B]?(?:[\\u2070\\u00B9\\u00B2\\u00B3\\u2074-\\u2079]+|[\\u2080-\\u2089]+)'], token: same },
  { name: 'FRAC', alts: [`(?:${DIGIT}{1,4}[\\- \\u00A0])?${DIGIT}{1,4}(?:\\\\?\\/|\\u2044)${DIGIT}{1,4}`], token: (t) => spacesToNoBreak(escapeSlash(t)) },
  { name: 'FRAC2', alts: ['[\\u00BC\\u00BD\\u00BE\\u2153-\\u215E]'], token: normalizeFractions },
  {
    name: 'TBSPEC',
    alts: ['-(?:RRB|LRB|RCB|LCB|RSB|LSB)-', 'C\\.D\\.s', 'pro-', 'anti-', 'S(?:&|&amp;)P-500', 'S(?:&|&amp;)Ls', `Cap${APOS}n`, `c${APOS}est`],
    token: normalizeAmpersand,
  },
  { name: 'THING3', alts: [THING3], token: escapeSlash },
  { name: 'DOLSIGN', alts: ['[A-Z]*\\$', '#'], token: same },
  { name: 'DOLSIGN2', alts: ['[\\u00A2\\u00A3\\u00A4\\u00A5\\u0080\\u20A0\\u20AC\\u060B\\u0E3F\\u20A4\\uFFE0\\uFFE1\\uFFE5\\uFFE6]'], token: normalizeCurrency },
  { name: 'ACRONYM/follower', alts: [`${ACRO}\\.`], context: [`${SPACE}+(?:${ACRONYM_FOLLOWERS})${SPACE}`], token: same, pushbackAfter: 1 },
  { name: 'ABBREV1/SENTEND', alts: [ABBREV1], context: SENTEND_ALTS, token: same, pushbackAfter: 1 },
  { name: 'ABBREV1', alts: [ABBREV1], token: same },
  { name: 'ABBREV2', alts: ABBREV4_ALTS.map((a) => `${a}\\.`), token: same },
  { name: 'ABBREV4/SPACE', alts: ABBREV4_ALTS, context: [SPACE], token: same },
  { name: 'ACRO/SPACENL', alts: ACRO_ALTS, context: [SPACENL], token: same },
  { name: 'TBSPEC2/SPACENL', alts: [`${APOS}[0-9][0-9]`], context: [SPACENL], token: same },
  { name: 'WORD./INSENTP', alts: [`${WORD}\\.`], context: [INSENTP], token: removeSoftHyphens },
  { name: 'PHONE', alts: PHONE_ALTS, token: (t) => ptbParentheses(spacesToNoBreak(t)) },
  { name: 'DBLQUOT/left', alts: ['"', '&quot;'], context: ['[A-Za-z0-9$]'], token: leftQuote },
  { name: 'DBLQUOT', alts: ['"', '&quot;'], token: rightQuote },
  { name: '0x7f', alts: ['0x7f'], token: skip }, // a literal "0x7f" in the original (meant as DEL), deleted
  { name: 'OPBRAC', alts: ['[<\\[]', '&lt;'], token: constant(OPEN_PAREN) },
  { name: 'CLBRAC', alts: ['[>\\]]', '&gt;'], token: constant(CLOSE_PAREN) },
  { name: 'LBRACE', alts: ['\\{'], token: constant(OPEN_BRACE) },
  { name: 'RBRACE', alts: ['\\}'], token: constant(CLOSE_BRACE) },
  { name: 'LPAREN', alts: ['\\('], token: constant(OPEN_PAREN) },
  { name: 'RPAREN', alts: ['\\)'], token: constant(CLOSE_PAREN) },
  { name: 'HYPHENS', alts: ['-+'], token: (t) => (t.length >= 3 && t.length <= 4 ? PTB_DASH : t) },
  { name: 'LDOTS', alts: ['\\.{3,5}', '(?:\\.[ \\u00A0]){2,4}\\.', '[\\u0085\\u2026]'], token: constant(PTB_ELLIPSIS) },
  { name: 'FNMARKS', alts: ['@+', '#+', '_+'], token: same },
  { name: 'ASTS', alts: ['\\*+', '(?:\\\\\\*){1,3}'], token: (t) => escapeChar(t, '*') },
  { name: 'INSENTP', alts: [INSENTP], token: same },
  { name: 'QMARKS', alts: ['[?!]+'], token: same },
  { name: 'PERIOD', alts: ['[.\\u00A1\\u00BF\\u037E\\u0589\\u061F\\u06D4\\u0700-\\u0702\\u07FA\\u3002]'], token: same },
  { name: 'EQUALS', alts: ['='], token: same },
  { name: 'SLASH', alts: ['\\/'], token: escapeSlash },
  { name: 'HTHING./INSENTP', alts: [`${HTHING}\\.`], context: [INSENTP], token: removeSoftHyphens },
  { name: 'HTHING', alts: [HTHING], token: removeSoftHyphens },
  { name: 'THING./INSENTP', alts: [`${THING}\\.`], context: [INSENTP], token: same },
  { name: 'THING', alts: [THING], token: same },
  { name: 'THINGA./INSENTP', alts: [`${THINGA}\\.`], context: [INSENTP], token: normalizeAmpersand },
  { name: 'THINGA', alts: [THINGA], token: normalizeAmpersand },
  { name: 'QUOTE/left', alts: ["'"], context: ['[A-Za-z][^ \\t\\n\\r\\u00A0]'], token: leftQuote },
  { name: 'REDAUX', alts: [REDAUX], token: rightQuote },
  { name: 'QUOTES', alts: ["['\\u0092\\u2019]", '&apos;', "''", `${QUOTE_CHARS}{1,2}`], token: rightQuote },
  { name: 'FAKEDUCKFEET', alts: ['<<', '>>'], token: same },
  { name: 'MISCSYMBOL', alts: [MISCSYMBOL], token: same },
  { name: 'SPACES', alts: ['\\u0000', `${SPACE}+`, '[\\u200B\\u200E\\u200F\\uFEFF]'], token: skip },
  { name: 'NEWLINE', alts: NEWLINE_ALTS, token: skip, newline: true },
  { name: 'NBSP-ENTITY', alts: ['&nbsp;'], token: skip },
  { name: 'UNTOKENIZABLE', alts: ['[^\\n]'], token: skip }, // untokenizable=firstDelete: dropped (and logged once)
];
