// COCO captions (captions_train2014.json and the like: {images: [{id, file_name, ...}],
// annotations: [{id, image_id, caption}]}) plus the image folder, as a caption-eval dataset (one
// row per image, all its captions as references; key = image id) or an image-text dataset (one row
// per caption; key = "<image id>-<annotation id>"). Images without captions are left out.
import { join } from 'node:path';
import { z } from 'zod';
import { userError } from '../../util/errors.ts';
import { readJsonFile } from '../../util/json-file.ts';
import { parseWith } from '../json.ts';
import type { Row } from '../schema.ts';
import { BadRows, validElements } from './bad-rows.ts';
import { checkedRows, writeImport, type ImportCommon, type ImportReport } from './common.ts';
import { readImageFile } from './images.ts';

export interface CocoOptions extends ImportCommon {
  annotations: string;
  images: string;
  kind?: 'caption-eval' | 'image-text';
}

const fileSchema = z.object({ images: z.array(z.unknown()), annotations: z.array(z.unknown()) });
const imageSchema = z.object({ id: z.number().int(), file_name: z.string() });
const annotationSchema = z.object({ image_id: z.number().int(), caption: z.string(), id: z.number().int().optional() });

type CocoImage = z.output<typeof imageSchema>;
type CocoCaption = { id: number; caption: string };

function captionsByImage(o: CocoOptions, annotations: unknown[], imageIds: Set<number>, bad: BadRows): Map<number, CocoCaption[]> {
  const byImage = new Map<number, CocoCaption[]>();
  for (const a of validElements(annotations, annotationSchema, o.annotations, 'annotations', bad)) {
    if (!imageIds.has(a.image_id)) {
      bad.report({ code: 'unknown_image', file: o.annotations, path: ['annotations', a.index, 'image_id'], message: `no image with id ${a.image_id} in "images"` });
      continue;
    }
    const list = byImage.get(a.image_id) ?? [];
    list.push({ id: a.id ?? a.index, caption: a.caption });
    byImage.set(a.image_id, list);
  }
  return byImage;
}

function rowsFor(kind: CocoOptions['kind'], image: CocoImage, captions: CocoCaption[], img: { bytes: Uint8Array; width: number; height: number }): Row[] {
  if (kind === 'image-text') {
    return captions.map((c) => ({ key: `${image.id}-${c.id}`, image: img.bytes, caption: c.caption, width: img.width, height: img.height }));
  }
  return [{ key: String(image.id), image: img.bytes, captions: captions.map((c) => c.caption) }];
}

export async function importCoco(o: CocoOptions): Promise<ImportReport> {
  const bad = new BadRows(o.skipBad ?? false);
  const file = parseWith(fileSchema, readJsonFile(o.annotations), o.annotations);
  const images = validElements(file.images, imageSchema, o.annotations, 'images', bad);
  const byImage = captionsByImage(o, file.annotations, new Set(images.map((i) => i.id)), bad);
  const captioned = images.filter((i) => byImage.has(i.id));
  if (captioned.length === 0) throw userError('no_rows', 'no image has a caption: nothing to import', { file: o.annotations });
  const load = async (image: (typeof captioned)[number]) =>
    rowsFor(o.kind, image, byImage.get(image.id)!, await readImageFile(join(o.images, image.file_name), { file: o.annotations, path: ['images', image.index, 'file_name'] }));
  const kind = o.kind ?? 'caption-eval';
  return writeImport(o, o.annotations, { kind, source: { importer: 'coco', annotations: o.annotations, images: o.images } }, checkedRows(captioned, load, bad), bad, { imagesWithoutCaptions: images.length - captioned.length });
}
