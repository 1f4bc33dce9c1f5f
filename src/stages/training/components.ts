// Model components named by a stage: a key of the spec's `models:` block, or an inline block
// (`{preset: ..., field: value}`) so that a sweep can vary one stage's component alone. Either way
// the spec is placed (models/config.ts) where it is written, so that a bad field is reported there.
import { z } from 'zod';
import { placeComponent, type ComponentSpec } from '../../models/config.ts';
import { unknownNameMessage, userError } from '../../util/errors.ts';
import type { StageExperiment } from '../types.ts';

export const componentRefSchema = z.union([z.string().min(1), z.looseObject({ preset: z.string().min(1).optional() })]);
export type ComponentRef = z.output<typeof componentRefSchema>;

/**
 * The component spec a reference names; `path` is where the reference sits in the stage's block.
 * A named model is placed at `models.<name>` (a document path), an inline block at `path` (a path of
 * the stage's block, as the issues of a kind's hooks are: graph/fingerprint.ts).
 */
export function componentSpec(ref: ComponentRef, experiment: StageExperiment, path: (string | number)[]): ComponentSpec {
  if (typeof ref !== 'string') return placeComponent(ref, path);
  const found = experiment.models[ref];
  if (found) return placeComponent(found, ['models', ref]);
  const known = Object.keys(experiment.models);
  throw userError('unknown_model', unknownNameMessage(`no model "${ref}" in models:`, ref, known, { label: 'defined' }), { path });
}

/** Where a field of a referenced component is written: under `models.<name>` for a named model, else in the stage's inline block at `key`. */
export function componentFieldPath(ref: ComponentRef, key: string, field: string): (string | number)[] {
  return typeof ref === 'string' ? ['models', ref, field] : [key, field];
}
