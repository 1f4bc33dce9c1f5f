// British -> American spelling, as Stanford CoreNLP's Americanize class of the 3.4 era rewrites
// every WORD token before lower-casing (the PTB tokenizer's default `americanize=true`).
// Case-sensitive: "grey" becomes "gray" but "Grey" stays (and is only lower-cased later).
// Month/day capitalisation is left out: lower-casing afterwards undoes it.

/** Words shorter than this are never changed; shorter than PATTERN_MIN_LENGTH skip the patterns. */
const MIN_LENGTH = 4;
const PATTERN_MIN_LENGTH = 6;

// British spelling -> American spelling, one pair per entry ("british:american").
const WORD_PAIRS = `
anaesthetic:anesthetic analogue:analog analogues:analogs analyse:analyze analysed:analyzed analysing:analyzing
armoured:armored cancelled:canceled cancelling:canceling candour:candor capitalise:capitalize capitalised:capitalized
capitalisation:capitalization centre:center chimaeric:chimeric clamour:clamor coloured:colored colouring:coloring
colourful:colorful defence:defense Defence:Defense discolour:discolor discolours:discolors discoloured:discolored
discolouring:discoloring encyclopaedia:encyclopedia endeavour:endeavor endeavours:endeavors endeavoured:endeavored
endeavouring:endeavoring fervour:fervor favour:favor favours:favors favoured:favored favouring:favoring
favourite:favorite favourites:favorites fibre:fiber fibres:fibers finalise:finalize finalised:finalized
finalising:finalizing flavour:flavor flavours:flavors flavoured:flavored flavouring:flavoring glamour:glamour
grey:gray harbour:harbor harbours:harbors homologue:homolog homologues:homologs honour:honor honours:honors
honoured:honored honouring:honoring honourable:honorable humour:humor humours:humors humoured:humored
humouring:humoring kerb:curb labelled:labeled labelling:labeling labour:labor Labour:Labor labours:labors
laboured:labored labouring:laboring leant:leaned learnt:learned localise:localize localised:localized
manoeuvre:maneuver manoeuvres:maneuvers maximise:maximize maximised:maximized maximising:maximizing meagre:meager
minimise:minimize minimised:minimized minimising:minimizing modernise:modernize modernised:modernized
modernising:modernizing misdemeanour:misdemeanor misdemeanours:misdemeanors neighbour:neighbor neighbours:neighbors
neighbourhood:neighborhood neighbourhoods:neighborhoods oestrogen:estrogen oestrogens:estrogens
organisation:organization organisations:organizations penalise:penalize penalised:penalized popularise:popularize
popularised:popularized popularises:popularizes popularising:popularizing practise:practice practised:practiced
pressurise:pressurize pressurised:pressurized pressurises:pressurizes pressurising:pressurizing realise:realize
realised:realized realising:realizing realises:realizes recognise:recognize recognised:recognized
recognising:recognizing recognises:recognizes rumoured:rumored rumouring:rumoring savour:savor savours:savors
savoured:savored savouring:savoring splendour:splendor splendours:splendors theatre:theater theatres:theaters
titre:titer titres:titers travelled:traveled travelling:traveling`;

const WORD_MAP = new Map(WORD_PAIRS.trim().split(/\s+/).map((pair) => pair.split(':') as [string, string]));

// Words in -our that keep it (checked by substring, as the original does).
const OUR_KEEPERS = /abatjour|beflour|bonjour|calambour|carrefour|cornflour|contour|de[tv]our|dortour|dyvour|downpour|giaour|glamour|holour|inpour|outpour|pandour|paramour|pompadour|recontour|repour|ryeflour|sompnour|tambour|troubadour|tregetour|velour/;

interface SpellingPattern {
  find: RegExp;
  replace: string;
  unless?: RegExp;
}

// Tried in order; the first that matches (and is not excepted) rewrites every occurrence.
const PATTERNS: SpellingPattern[] = [
  { find: /haem(at)?o/g, replace: 'hem$1o' },
  { find: /aemia$/g, replace: 'emia' },
  { find: /([lL])eukaem/g, replace: '$1eukem' },
  { find: /programme(s?)$/g, replace: 'program$1' },
  { find: /^([a-z]{3,})our(s?)$/g, replace: '$1or$2', unless: OUR_KEEPERS },
];

export function americanize(word: string): string {
  if (word.length < MIN_LENGTH) return word;
  const mapped = WORD_MAP.get(word);
  if (mapped !== undefined) return mapped;
  if (word.length < PATTERN_MIN_LENGTH) return word;
  for (const { find, replace, unless } of PATTERNS) {
    find.lastIndex = 0;
    if (!find.test(word) || unless?.test(word)) continue;
    return word.replace(find, replace);
  }
  return word;
}
