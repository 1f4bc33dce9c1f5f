// The Arrow side of dataset kinds: the Arrow schema a writer uses for a kind, the check that a
// shard's schema fits its kind (missing columns, wrong types), and row <-> record batch conversion.
import {
  Binary,
  DataType,
  Field,
  Float32,
  Int32,
  Int64,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Utf8,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { UserError, userError, type Issue } from '../util/errors.ts';
import type { FieldSpec, FieldType, KindSpec } from './kinds.ts';

/** A row as stored: column name -> value (string, Uint8Array, number, string[] or Uint8Array[]). */
export type Row = { key: string } & Record<string, unknown>;

const WRITE_TYPES: Record<FieldType, () => DataType> = {
  utf8: () => new Utf8(),
  binary: () => new Binary(),
  'binary-list': () => new List(new Field('item', new Binary(), false)),
  'utf8-list': () => new List(new Field('item', new Utf8(), false)),
  int32: () => new Int32(),
  int64: () => new Int64(),
  float32: () => new Float32(),
};

function isText(t: DataType): boolean {
  return DataType.isUtf8(t) || DataType.isLargeUtf8(t);
}

function isBytes(t: DataType): boolean {
  return DataType.isBinary(t) || DataType.isLargeBinary(t);
}

/** Which stored Arrow types a reader accepts for each field type (writers of other tools use Large* variants). */
const ACCEPTS: Record<FieldType, (t: DataType) => boolean> = {
  utf8: isText,
  binary: isBytes,
  'binary-list': (t) => DataType.isList(t) && isBytes(t.children[0].type),
  'utf8-list': (t) => DataType.isList(t) && isText(t.children[0].type),
  int32: (t) => DataType.isInt(t),
  int64: (t) => DataType.isInt(t),
  float32: (t) => DataType.isFloat(t),
};

/** The specs of `kind`'s columns named in `names`, in the kind's order; the visual column present is required. */
export function columnsFor(kind: KindSpec, names: string[]): FieldSpec[] {
  return kind.fields
    .filter((f) => names.includes(f.name))
    .map((f) => ((kind.visual as string[]).includes(f.name) ? { ...f, optional: false } : f));
}

/** The Arrow schema a writer uses for these columns (optional ones nullable). */
export function arrowSchemaFor(columns: FieldSpec[]): Schema {
  return new Schema(columns.map((f) => new Field(f.name, WRITE_TYPES[f.type](), f.optional)));
}

/** The columns of `kind` present in a shard; throws naming the file and every column that is missing or mistyped. */
export function checkShardSchema(kind: KindSpec, schema: Schema, file: string): FieldSpec[] {
  const issues: Issue[] = [];
  const present: string[] = [];
  for (const spec of kind.fields) {
    const field = schema.fields.find((f) => f.name === spec.name);
    if (!field) {
      if (isRequiredColumn(kind, spec)) issues.push({ code: 'missing_column', file, path: [spec.name], message: `missing column (kind ${kind.name} requires ${spec.type})` });
      continue;
    }
    if (!ACCEPTS[spec.type](field.type)) {
      issues.push({ code: 'wrong_type', file, path: [spec.name], message: `expected ${spec.type}, found ${String(field.type)}` });
      continue;
    }
    present.push(spec.name);
  }
  const visual = present.filter((name) => (kind.visual as string[]).includes(name));
  if (visual.length !== 1 && kind.visual.length > 1) {
    issues.push({ code: 'missing_column', file, message: `expected exactly one of the columns ${kind.visual.join(', ')}, found ${visual.length}` });
  }
  if (issues.length > 0) throw new UserError(issues);
  return columnsFor(kind, present);
}

/** Required, or the only column that can hold the kind's pixels. */
function isRequiredColumn(kind: KindSpec, spec: FieldSpec): boolean {
  return !spec.optional || (kind.visual.length === 1 && kind.visual[0] === spec.name);
}

/** Build one record batch of `rows` for `schema`. */
export function batchFromRows(columns: FieldSpec[], schema: Schema, rows: Row[]): RecordBatch {
  const children = schema.fields.map((field, i) => {
    const values = rows.map((r) => toArrowValue(columns[i], r[field.name]));
    return vectorFromArray(values as never[], field.type).data[0];
  });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}

function toArrowValue(spec: FieldSpec, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  return spec.type === 'int64' ? BigInt(value as number) : value;
}

/** Where a row sits, for error messages: the shard file and the row's index in it. */
export interface RowPlace {
  file: string;
  row: number;
}

/**
 * Row `index` of `batch` as plain values, checked against the column specs; a required value that is
 * null or of the wrong shape is a UserError naming the file, the row and the column.
 */
export function rowFromBatch(columns: FieldSpec[], batch: RecordBatch, index: number, place: RowPlace): Row {
  const row: Record<string, unknown> = {};
  for (const spec of columns) {
    const value = fromArrowValue(spec, batch.getChild(spec.name)!.get(index));
    if (value === null && !spec.optional) {
      throw userError('null_value', `expected ${spec.type}, found null`, { file: place.file, path: ['rows', place.row, spec.name] });
    }
    if (value !== null) row[spec.name] = value;
  }
  return row as Row;
}

function fromArrowValue(spec: FieldSpec, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (spec.type) {
    case 'int32':
    case 'int64':
      return Number(value);
    case 'binary-list':
    case 'utf8-list':
      return (value as Vector).toArray() as unknown[];
    default:
      return value;
  }
}
