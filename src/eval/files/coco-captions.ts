// COCO caption files: the annotation file ({"images": [{"id"}], "annotations": [{"image_id",
// "caption"}]}) and a results list ([{"image_id", "caption"}]), checked entry by entry and paired
// the way pycocotools pairs them: every image must have a result, and only one.

import { userError } from '../../util/errors.ts';
import type { ImageId } from '../caption-metrics.ts';
import { readJsonFile } from '../../util/json-file.ts';
import { arrayField, expected, idAt, isRecord, listIds, recordAt, stringAt } from './json.ts';
import { loadResults } from './results.ts';

const ANNOTATION_FORMAT = 'COCO caption annotations';

/** Reference captions per image, images in the order of the file's "images" list (or first mention). */
export function loadCaptionAnnotations(file: string): Map<ImageId, string[]> {
  const doc = readJsonFile(file);
  const annotations = arrayField(file, doc, 'annotations', ANNOTATION_FORMAT);
  const references = imagesOf(file, doc);
  const listed = references.size > 0;
  annotations.forEach((entry, i) => {
    const ann = recordAt(file, ['annotations', i], entry, 'an object {"image_id", "caption"}');
    const id = idAt(file, ['annotations', i, 'image_id'], ann.image_id);
    const caption = stringAt(file, ['annotations', i, 'caption'], ann.caption);
    if (!references.has(id)) {
      if (listed) throw userError('unknown_image', `image ${JSON.stringify(id)} is not in the "images" list`, { file, path: ['annotations', i, 'image_id'] });
      references.set(id, []);
    }
    references.get(id)!.push(caption);
  });
  const bare = [...references].filter(([, caps]) => caps.length === 0).map(([id]) => id);
  if (bare.length > 0) throw userError('no_references', `${bare.length} image(s) have no caption annotation: ${listIds(bare)}`, { file });
  if (references.size === 0) throw userError('no_references', 'no caption annotations', { file });
  return references;
}

function imagesOf(file: string, doc: unknown): Map<ImageId, string[]> {
  const images = new Map<ImageId, string[]>();
  if (!isRecord(doc) || doc.images === undefined) return images;
  if (!Array.isArray(doc.images)) throw expected(file, ['images'], 'an array of {"id"} objects', doc.images);
  doc.images.forEach((entry, i) => {
    const id = idAt(file, ['images', i, 'id'], recordAt(file, ['images', i], entry, 'an object {"id"}').id);
    if (images.has(id)) throw userError('duplicate_image', `image ${JSON.stringify(id)} is listed twice`, { file, path: ['images', i, 'id'] });
    images.set(id, []);
  });
  return images;
}

/** One candidate caption per image of `references`, from a COCO results list. */
export function loadCaptionResults(file: string, references: ReadonlyMap<ImageId, unknown>, annotationsFile: string): Map<ImageId, string> {
  return loadResults(file, references, annotationsFile, { idKey: 'image_id', textKey: 'caption', idNoun: 'image', formatName: 'COCO results format' });
}
