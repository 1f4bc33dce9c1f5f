// Records from a CSV (RFC 4180: a header line, quoted fields with "" for a quote, commas and line
// breaks inside quotes) or a JSON Lines file, each with the line it starts on, for the importers that
// read annotation tables (WebVid's CSV, a folder of videos with their captions).
import { readFileSync } from 'node:fs';
import { userError } from '../../util/errors.ts';

export interface TableRecord {
  fields: Record<string, unknown>;
  line: number; // 1-based line where the record starts
}

function csvRows(text: string, file: string): { cells: string[]; line: number }[] {
  const rows: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRow = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') rows.push({ cells, line: start });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted) {
      if (c === '\n') line++;
      cell += c;
    } else if (c === '"' && cell === '') {
      quoted = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      start = line;
    } else {
      cell += c;
    }
  }
  if (quoted) throw userError('bad_csv', `a quoted field opened on line ${start} is never closed`, { file, line: start });
  endRow();
  return rows;
}

function readCsv(text: string, file: string): TableRecord[] {
  const [header, ...rows] = csvRows(text.replace(/^\uFEFF/, ''), file);
  if (!header) throw userError('no_rows', 'the CSV file is empty (a header line is expected)', { file });
  const names = header.cells.map((h) => h.trim());
  return rows.map(({ cells, line }) => {
    if (cells.length !== names.length) throw userError('bad_csv', `expected ${names.length} fields (${names.join(', ')}), found ${cells.length}`, { file, line });
    return { fields: Object.fromEntries(names.map((n, i) => [n, cells[i]])), line };
  });
}

function readJsonLines(text: string, file: string): TableRecord[] {
  const out: TableRecord[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw userError('bad_json', `not a JSON value: ${(err as Error).message}`, { file, line: i + 1 });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw userError('bad_json', 'expected a JSON object on each line', { file, line: i + 1 });
    out.push({ fields: value as Record<string, unknown>, line: i + 1 });
  });
  return out;
}

/** The records of `file`: JSON Lines when it ends in .jsonl or .ndjson, else CSV. */
export function readTableFile(file: string): TableRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw userError('missing_file', `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { file });
  }
  return /\.(jsonl|ndjson)$/i.test(file) ? readJsonLines(text, file) : readCsv(text, file);
}

/** The first of `names` that `record` has as a non-empty string, or a user error naming them. */
export function field(record: TableRecord, names: string[], file: string): string {
  for (const n of names) {
    const v = record.fields[n];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  throw userError('missing_key', `expected a column ${names.map((n) => `"${n}"`).join(' or ')} with a value`, { file, line: record.line });
}
