// Small real inputs for the data tests: encoded images of known colours, temporary directories and
// datasets written through the public writer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Dataset } from '../../src/data/dataset.ts';
import { writeDataset, type WriterOptions } from '../../src/data/writer.ts';
import type { Row } from '../../src/data/schema.ts';

export type Rgb = [number, number, number];

/** A solid-colour image encoded as PNG (lossless) or JPEG. */
export async function solidImage(rgb: Rgb, format: 'png' | 'jpeg' = 'png', size = 16): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 3);
  for (let i = 0; i < raw.length; i += 3) raw.set(rgb, i);
  const img = sharp(raw, { raw: { width: size, height: size, channels: 3 } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 95 }).toBuffer();
}

/** A fresh temporary directory, removed when the test process's `cleanup` runs. */
export function tempDir(label = 'vadapter-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), label));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Grey level of row i, so that decoded pixels identify the row. */
export function rowGrey(i: number): number {
  return (i * 37) % 256;
}

/** An image-text dataset whose row i has key `r<i>`, caption `caption <i>` and a solid PNG of grey level rowGrey(i). */
export async function writeImageText(dir: string, n: number, options: Partial<WriterOptions> = {}): Promise<Row[]> {
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const g = rowGrey(i);
    rows.push({ key: `r${i}`, image: await solidImage([g, g, g], 'png', 8), caption: `caption ${i}` });
  }
  await writeDataset(dir, { kind: 'image-text', name: 'test', batchRows: 4, shardRows: 8, ...options }, rows);
  return rows;
}

/** Every row of the dataset in `dir`, in stored order. */
export async function readRows(dir: string): Promise<Row[]> {
  const ds = await Dataset.open(dir);
  const out: Row[] = [];
  for await (const r of ds.rows()) out.push(r);
  await ds.close();
  return out;
}
