// img2dataset Parquet output (columns key, caption, jpg with the image bytes, status, width, height,
// ...) or any Parquet file of image bytes + captions, as an image-text dataset. Files are read one
// row group at a time through parquet-wasm (which hands over Arrow), so a large file is never in
// memory whole. Rows whose `status` is not "success" (failed downloads) are left out and counted.
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { DataType, tableFromIPC, type Table } from 'apache-arrow';
import { ParquetFile } from 'parquet-wasm';
import { userError } from '../../util/errors.ts';
import { unknownName } from '../names.ts';
import type { Row } from '../schema.ts';
import { BadRows } from './bad-rows.ts';
import { checkedRows, writeImport, type ImportCommon, type ImportReport } from './common.ts';
import { checkImage } from './images.ts';

export interface ParquetOptions extends ImportCommon {
  files: string[];
  /** Column of encoded image bytes; default: the first of jpg, png, webp, image. */
  imageColumn?: string;
  /** Column of captions; default: the first of caption, txt, text. */
  captionColumn?: string;
}

const IMAGE_COLUMNS = ['jpg', 'png', 'webp', 'image'];
const CAPTION_COLUMNS = ['caption', 'txt', 'text'];

interface Columns {
  image: string;
  caption: string;
  key?: string;
  status?: string;
}

function pickColumn(table: Table, file: string, given: string | undefined, defaults: string[], what: string): string {
  const names = table.schema.fields.map((f) => f.name);
  if (given !== undefined) {
    if (names.includes(given)) return given;
    throw unknownName('column', given, names, { file });
  }
  const found = defaults.find((d) => names.includes(d));
  if (!found) throw userError('missing_column', `no ${what} column: expected one of ${defaults.join(', ')} (columns: ${names.join(', ')}); name it with the option`, { file });
  return found;
}

function resolveColumns(table: Table, file: string, o: ParquetOptions): Columns {
  const c: Columns = {
    image: pickColumn(table, file, o.imageColumn, IMAGE_COLUMNS, 'image'),
    caption: pickColumn(table, file, o.captionColumn, CAPTION_COLUMNS, 'caption'),
  };
  const type = (name: string) => table.schema.fields.find((f) => f.name === name)!.type;
  const isBytes = (t: DataType) => DataType.isBinary(t) || DataType.isLargeBinary(t);
  const isText = (t: DataType) => DataType.isUtf8(t) || DataType.isLargeUtf8(t);
  if (!isBytes(type(c.image))) throw userError('wrong_type', `column "${c.image}": expected binary image bytes, found ${String(type(c.image))}`, { file });
  if (!isText(type(c.caption))) throw userError('wrong_type', `column "${c.caption}": expected utf8 text, found ${String(type(c.caption))}`, { file });
  for (const name of ['key', 'status'] as const) if (table.getChild(name) && isText(type(name))) c[name] = name;
  return c;
}

async function openParquet(file: string): Promise<ParquetFile> {
  try {
    return await ParquetFile.fromFile(await openAsBlob(file));
  } catch (err) {
    throw userError('bad_parquet', `cannot be read as Parquet: ${(err as Error).message ?? String(err)}`, { file });
  }
}

async function readRowGroup(pq: ParquetFile, index: number, file: string): Promise<Table> {
  try {
    return tableFromIPC((await pq.read({ rowGroups: [index] })).intoIPCStream());
  } catch (err) {
    throw userError('bad_parquet', `row group ${index} cannot be read: ${(err as Error).message ?? String(err)}`, { file });
  }
}

interface Candidate {
  columns: Columns;
  file: string;
  row: number;
  key: string;
  caption: string | null;
  image: Uint8Array | null;
}

/** Every row of every file, with failed downloads counted and left out. */
async function* candidates(o: ParquetOptions, notes: Record<string, number>): AsyncGenerator<Candidate> {
  for (const file of o.files) {
    const pq = await openParquet(file);
    let row = 0;
    for (let g = 0; g < pq.metadata().numRowGroups(); g++) {
      const table = await readRowGroup(pq, g, file);
      const c = resolveColumns(table, file, o);
      for (let i = 0; i < table.numRows; i++, row++) {
        const status = c.status ? (table.getChild(c.status)!.get(i) as string | null) : 'success';
        if (status !== 'success') {
          notes.notDownloaded = (notes.notDownloaded ?? 0) + 1;
          continue;
        }
        const key = c.key ? (table.getChild(c.key)!.get(i) as string | null) : null;
        yield { columns: c, file, row, key: key ?? `${basename(file)}-${row}`, caption: table.getChild(c.caption)!.get(i), image: table.getChild(c.image)!.get(i) };
      }
    }
  }
}

async function toRow(c: Candidate): Promise<Row> {
  const at = (name: string) => ({ file: c.file, path: ['rows', c.row, name] });
  if (c.caption === null) throw userError('null_value', 'the caption is null', at(c.columns.caption));
  if (c.image === null) throw userError('null_value', 'the image is null', at(c.columns.image));
  const img = await checkImage(c.image, at(c.columns.image));
  return { key: c.key, image: img.bytes, caption: c.caption, width: img.width, height: img.height };
}

export async function importParquet(o: ParquetOptions): Promise<ImportReport> {
  if (o.files.length === 0) throw userError('no_input', 'name at least one Parquet file');
  const bad = new BadRows(o.skipBad ?? false);
  const notes: Record<string, number> = {};
  return writeImport(o, o.files[0], { kind: 'image-text', source: { importer: 'parquet', files: o.files } }, checkedRows(candidates(o, notes), toRow, bad), bad, notes);
}
