// The examples the diagnostics read: the first N rows of a caption-eval set, in stored order, each
// with its reference captions (5 in COCO and in the synthetic family), and their frames when the
// adapters are run.
import { stackFrames, type FrameBatchShape } from '../data/batch.ts';
import { captionEvalExamples, readEvalRows } from '../data/eval-sets.ts';
import { userError } from '../util/errors.ts';

export interface CaptionRow {
  key: string;
  captions: string[]; // the references, in stored order: "reference 1" is captions[0]
}

/** The first `limit` rows of the caption-eval set in `dir`; each must have at least `minReferences` captions. */
export async function captionRows(dir: string, limit: number, minReferences: number): Promise<CaptionRow[]> {
  const rows: CaptionRow[] = [];
  for await (const row of readEvalRows(dir, 'caption-eval')) {
    if (rows.length >= limit) break;
    const captions = row.captions as string[];
    if (captions.length < minReferences) {
      throw userError('too_few_references', `example "${row.key}" has ${captions.length} reference caption(s); these diagnostics need ${minReferences} per example`, { file: dir });
    }
    rows.push({ key: row.key, captions });
  }
  if (rows.length < 2) throw userError('too_few_examples', `the diagnostics need at least 2 examples, the set has ${rows.length}`, { file: dir });
  return rows;
}

/** The frames of the first `limit` examples, [N, frames, size, size, 3] in [0, 1], decoded as training and evaluation decode them. */
export async function captionFrames(dir: string, limit: number, frames: number, size: number): Promise<{ frames: Float32Array; shape: FrameBatchShape; keys: string[] }> {
  const items: Float32Array[] = [];
  const keys: string[] = [];
  for await (const ex of captionEvalExamples(dir, { frames, height: size, width: size, valueRange: [0, 1], limit })) {
    items.push(ex.frames);
    keys.push(ex.key);
  }
  return { ...stackFrames(items, [frames, size, size, 3]), keys };
}
