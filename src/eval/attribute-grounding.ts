// Whether captions name what the image shows, attribute by attribute, where the eval set's manifest
// lists the words that name each attribute (data/manifest.ts `attributes`; the synthetic sets list
// shape, colour and size). For each attribute, the share of captions that name at least one value of
// it and only values that one of the image's references also names. A constant caption scores about
// the share of images whose references contain its values; a captioner that sees the attribute, near 1.
//
//   attributeGrounding([{ prediction: 'a red circle', references: ['a red square'] }], { shape: { circle: 'circle', square: 'square' }, colour: { red: 'red' } })
//     -> { 'attr/shape': 0, 'attr/colour': 1 }
//
// Words are compared lower-cased, split at anything but letters and digits.
import type { AttributeWords } from '../data/manifest.ts';


export interface GroundingRecord {
  prediction: string;
  references: readonly string[];
}

function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
}

/** The values of one attribute a text names. */
function valuesNamed(words: readonly string[], lexicon: Record<string, string>): Set<string> {
  const values = new Set<string>();
  for (const w of words) if (Object.hasOwn(lexicon, w)) values.add(lexicon[w]);
  return values;
}

/** `attr/<attribute>` for each attribute of `attributes`: the share of `records` that name it right (above). */
export function attributeGrounding(records: readonly GroundingRecord[], attributes: AttributeWords): Record<string, number> {
  const out: Record<string, number> = {};
  if (records.length === 0) return out;
  const tokenized = records.map((r) => ({ prediction: wordsOf(r.prediction), references: r.references.map(wordsOf) }));
  for (const [attribute, lexicon] of Object.entries(attributes)) {
    let right = 0;
    for (const r of tokenized) {
      const named = valuesNamed(r.prediction, lexicon);
      if (named.size === 0) continue;
      const shown = new Set(r.references.flatMap((words) => [...valuesNamed(words, lexicon)]));
      if ([...named].every((v) => shown.has(v))) right++;
    }
    out[`attr/${attribute}`] = right / records.length;
  }
  return out;
}
