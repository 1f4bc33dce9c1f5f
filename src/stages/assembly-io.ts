// Moving assemblies' components in and out of stage checkpoints: loading a frozen or initialising
// component from an upstream stage, and rebuilding a trained assembly from its checkpoint (the
// owned components from its own model file, the others from the sources it records).
import { dirname, join, relative, sep } from 'node:path';
import { MODEL_FILE, readModelMeta, type ComponentSource } from '../ckpt/layout.ts';
import { loadComponent } from '../ckpt/params.ts';
import { readSafetensors, readSafetensorsHeader, type SafetensorsContents } from '../ckpt/safetensors.ts';
import { buildAssembly, type Assembly } from '../models/assembly.ts';
import type { AssemblyConfigs } from '../models/assembly-config.ts';
import { userError } from '../util/errors.ts';
import type { UpstreamRef } from './types.ts';

/** The model file of an upstream stage's final checkpoint. */
export function upstreamModelFile(ref: UpstreamRef): string {
  if (!ref.checkpoint) throw userError('missing_checkpoint', `upstream stage "${ref.stage}" saved no checkpoint`);
  return join(ref.checkpoint.dir, MODEL_FILE);
}

const cache = new Map<string, SafetensorsContents>();

function readCached(file: string): SafetensorsContents {
  let found = cache.get(file);
  if (!found) {
    found = readSafetensors(file);
    cache.set(file, found);
  }
  return found;
}

/** The store root (runs/store/) holding an upstream's output directory. */
export function storeRootOf(ref: UpstreamRef): string {
  return dirname(ref.dir);
}

/** Load `component` of `assembly` from the upstream's `from` component; returns the source to record. */
export function loadFromUpstream(assembly: Assembly, ref: UpstreamRef, component: string, from = component): ComponentSource {
  const file = upstreamModelFile(ref);
  const config = (assembly.configs as Record<string, unknown>)[component];
  loadComponent(assembly.params, readCached(file), file, { component, from, config });
  return { stage: ref.stage, fingerprint: ref.fingerprint, file: relative(storeRootOf(ref), file).split(sep).join('/'), sha256: ref.checkpoint!.sha256, from };
}

/** Rebuild the assembly a training stage saved in checkpoint directory `dir`; its sources are found under `storeRoot`. */
export function restoreTrainedAssembly(dir: string, storeRoot: string): { assembly: Assembly; configs: AssemblyConfigs } {
  const file = join(dir, MODEL_FILE);
  const own = readSafetensors(file);
  const meta = readModelMeta(own.metadata, file);
  const assembly = buildAssembly(meta.configs, 0);
  for (const component of Object.keys(assembly.components)) {
    const owned = Object.keys(own.tensors).some((n) => n.startsWith(`${component}.`));
    if (owned) {
      loadComponent(assembly.params, own, file, { component });
      continue;
    }
    const source = meta.sources[component];
    if (!source) throw userError('bad_checkpoint', `component "${component}" is neither in the file nor in its recorded sources`, { file });
    const sourceFile = join(storeRoot, source.file);
    loadComponent(assembly.params, readCached(sourceFile), sourceFile, { component, from: source.from });
  }
  return { assembly, configs: meta.configs };
}

/** The config of `component` as an upstream stage's final checkpoint records it. */
export function upstreamComponentConfig(ref: UpstreamRef, component: string): Record<string, unknown> {
  const file = upstreamModelFile(ref);
  const meta = readModelMeta(readSafetensorsHeader(file).metadata, file);
  const config = (meta.configs as unknown as Record<string, unknown>)[component];
  if (!config || typeof config !== 'object') {
    throw userError('bad_checkpoint', `stage "${ref.stage}" (${ref.kind}) has no "${component}" component in its checkpoint`, { file });
  }
  return config as Record<string, unknown>;
}
