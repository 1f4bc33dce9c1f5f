// Reading a Hugging Face config.json into a vadapter component config: a required number names its
// key when absent, and the resolved config must pass the component's schema, else the error says
// which field vadapter's model cannot express.
import { lmConfigSchema, type LmConfig } from '../models/lm.ts';
import { userError } from '../util/errors.ts';

export type HfConfig = Record<string, unknown>;

export function num(c: HfConfig, key: string, file: string): number {
  const v = c[key];
  if (typeof v !== 'number') throw userError('bad_config', `expected a number at "${key}"`, { file, path: [key] });
  return v;
}

/** `config` checked against the LM's schema. */
export function fitLm(config: LmConfig, file: string): LmConfig {
  const parsed = lmConfigSchema.safeParse(config);
  if (!parsed.success) throw userError('unsupported_config', `does not fit vadapter's LM: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { file });
  return parsed.data;
}
