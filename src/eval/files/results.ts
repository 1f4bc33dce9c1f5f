// A results file of either task: a JSON array of {<id key>: id, <text key>: string}, one entry
// for each known id (an image for captions, a question for VQA), no unknown ids, no repeats.

import { basename } from 'node:path';
import { userError } from '../../util/errors.ts';
import { readJsonFile } from '../../util/json-file.ts';
import { expected, idAt, listIds, recordAt, stringAt } from './json.ts';

export interface ResultsFormat {
  idKey: string; // "image_id" | "question_id"
  textKey: string; // "caption" | "answer"
  idNoun: string; // "image" | "question"
  formatName: string; // "COCO results format"
}

/** The text for every id of `known` (whose source file is `knownFile`), from `file`. */
export function loadResults(file: string, known: { has(id: number | string): boolean; keys(): Iterable<number | string>; size: number }, knownFile: string, format: ResultsFormat): Map<number | string, string> {
  const { idKey, textKey, idNoun } = format;
  const doc = readJsonFile(file);
  const shape = `{"${idKey}", "${textKey}"}`;
  if (!Array.isArray(doc)) throw expected(file, [], `a JSON array of ${shape} results (${format.formatName})`, doc);
  const texts = new Map<number | string, string>();
  const firstIndex = new Map<number | string, number>();
  doc.forEach((entry, i) => {
    const result = recordAt(file, [i], entry, `an object ${shape}`);
    const id = idAt(file, [i, idKey], result[idKey]);
    const text = stringAt(file, [i, textKey], result[textKey]);
    if (!known.has(id)) throw userError('unknown_id', `${idNoun} ${JSON.stringify(id)} is not in ${basename(knownFile)}`, { file, path: [i, idKey] });
    if (firstIndex.has(id)) {
      throw userError('duplicate_result', `${idNoun} ${JSON.stringify(id)} already has a ${textKey} at [${firstIndex.get(id)}]; expected one ${textKey} per ${idNoun}`, { file, path: [i, idKey] });
    }
    firstIndex.set(id, i);
    texts.set(id, text);
  });
  const missing = [...known.keys()].filter((id) => !texts.has(id));
  if (missing.length > 0) {
    throw userError('missing_results', `no ${textKey} for ${missing.length} of ${known.size} ${idNoun}s of ${basename(knownFile)} (missing: ${listIds(missing)})`, { file });
  }
  return texts;
}
