// Words for what a zod schema accepts ("a positive integer", 'one of "a", "b"'), read from the
// schema's definition, so that every validation message can say what was expected.
import { z } from 'zod';

interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  innerType?: z.ZodType;
  entries?: Record<string, unknown>;
  values?: unknown[];
  options?: z.ZodType[];
  in?: z.ZodType;
}

interface CheckDef {
  check: string;
  format?: string;
  value?: number;
  inclusive?: boolean;
  minimum?: number;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

export function describeSchema(schema: z.ZodType): string {
  const own = z.globalRegistry.get(schema)?.description;
  if (own) return own;
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) && def.innerType) return describeSchema(def.innerType);
  if (def.type === 'pipe' && def.in) return describeSchema(def.in);
  return describeByType(def);
}

function describeByType(def: Def): string {
  switch (def.type) {
    case 'number':
      return describeNumber(def);
    case 'string':
      return checksOf(def).some((c) => c.check === 'min_length' && (c.minimum ?? 0) > 0) ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${Object.values(def.entries ?? {}).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'literal':
      return `${(def.values ?? []).map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'array':
      return checksOf(def).some((c) => c.check === 'min_length' && (c.minimum ?? 0) > 0) ? 'a non-empty list' : 'a list';
    case 'object':
    case 'record':
      return 'a mapping';
    case 'union':
      return (def.options ?? []).map(describeSchema).join(' or ');
    default:
      return def.type;
  }
}

function checksOf(def: Def): CheckDef[] {
  return (def.checks ?? []).map((c) => c._zod.def);
}

function describeNumber(def: Def): string {
  const checks = checksOf(def);
  const integer = checks.some((c) => c.check === 'number_format' && /int/.test(c.format ?? ''));
  const noun = integer ? 'integer' : 'number';
  const lower = checks.find((c) => c.check === 'greater_than');
  const upper = checks.find((c) => c.check === 'less_than');
  if (lower && !upper && lower.value === 0) return lower.inclusive ? `a non-negative ${noun}` : `a positive ${noun}`;
  const bounds = [
    lower ? `${lower.inclusive ? '>=' : '>'} ${lower.value}` : '',
    upper ? `${upper.inclusive ? '<=' : '<'} ${upper.value}` : '',
  ].filter((b) => b.length > 0);
  const article = integer ? 'an' : 'a';
  return bounds.length > 0 ? `${article} ${noun} ${bounds.join(' and ')}` : `${article} ${noun}`;
}
