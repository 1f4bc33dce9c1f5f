// The tensor backends vadapter knows, in the order `auto` tries them.
import { unknownNameMessage, userError } from '../util/errors.ts';

export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendRequest = BackendName | 'auto';

export const BACKEND_ENV_VAR = 'VADAPTER_BACKEND';

/** Validate a backend name from a flag, a spec key or the environment; `source` says which. */
export function parseBackendRequest(value: string, source: string): BackendRequest {
  const known: string[] = ['auto', ...BACKEND_NAMES];
  if (known.includes(value)) return value as BackendRequest;
  throw userError('unknown_backend', unknownNameMessage(`unknown backend "${value}" (from ${source})`, value, known, { label: 'expected one of' }));
}

/** The explicit request if given, else $VADAPTER_BACKEND, else `auto`. */
export function resolveBackendRequest(explicit?: string, source = '--backend'): BackendRequest {
  if (explicit !== undefined) return parseBackendRequest(explicit, source);
  const fromEnv = process.env[BACKEND_ENV_VAR];
  if (fromEnv !== undefined && fromEnv !== '') return parseBackendRequest(fromEnv, `$${BACKEND_ENV_VAR}`);
  return 'auto';
}
