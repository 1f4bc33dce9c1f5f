// Reading a Hugging Face config.json into a vadapter component config: a number names its key when
// it is absent (and has no default) or not a number, and the resolved config must pass the
// component's schema, else the error says which field vadapter's model cannot express.
import type { z } from 'zod';
import { userError } from '../util/errors.ts';

export type HfConfig = Record<string, unknown>;

/** `c[key]`, or `fallback` when absent; `at`: where `c` sits in config.json (e.g. ["vision_config"]). */
export function num(c: HfConfig, key: string, file: string, o: { fallback?: number; at?: string[] } = {}): number {
  const v = c[key] ?? o.fallback;
  if (typeof v !== 'number') throw userError('bad_config', `expected a number at "${key}"`, { file, path: [...(o.at ?? []), key] });
  return v;
}

/** `config` checked against the schema of vadapter's `model` (LM, ViT). */
export function fitConfig<T>(schema: z.ZodType<T>, config: unknown, model: string, file: string): T {
  const parsed = schema.safeParse(config);
  if (!parsed.success) throw userError('unsupported_config', `does not fit vadapter's ${model}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { file });
  return parsed.data;
}
