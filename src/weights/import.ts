// `vadapter weights import`: a Hugging Face model (folder or file) -> a vadapter checkpoint whose
// metadata holds the resolved component config (an `lm` assembly: `lm.*` tensors, as a pretrain-lm
// stage writes), every tensor converted to float32 and laid out as vadapter keeps it (transposed,
// or cut out of a fused tensor, as the format's mapping says). Each needed
// tensor must be there with the shape the config implies; a stored tensor the format does not map
// is an error too, so that a format mix-up cannot pass silently.
import { sha256FileSync } from '../ckpt/digest.ts';
import { ASSEMBLY_KEY, configMetadata, SOURCES_KEY } from '../ckpt/layout.ts';
import { encodeSafetensors, type TensorRecord } from '../ckpt/safetensors.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { userError } from '../util/errors.ts';
import { permute, sliceColumns, toFloat32, transpose2d } from './dtype.ts';
import { resolveFormat, type ImportedConfig, type TensorMapping, type WeightFormat } from './formats.ts';
import { openHfModel, readHfTensors } from './hf-model.ts';

export interface ConvertOptions {
  format?: string; // 'auto' (default) or a format name
  config?: string; // config.json of a single safetensors file
}

export interface ImportOptions extends ConvertOptions {
  out: string;
}

export interface ConvertResult {
  format: string;
  component: WeightFormat['component'];
  config: ImportedConfig;
  tensors: number;
  parameters: number;
  sources: { file: string; sha256: string }[];
}

export interface ImportResult extends ConvertResult {
  out: string;
}

/** The sha256 of each file, hex. */
export function fileDigests(files: string[]): { file: string; sha256: string }[] {
  return files.map((file) => ({ file, sha256: sha256FileSync(file) }));
}

type Stored = TensorRecord & { file: string; stored: string };

/** The tensors by name with `prefix` taken off where a name has it (`stored` keeps the name as saved). */
function storedUnder(tensors: Map<string, TensorRecord & { file: string }>, prefix = ''): Map<string, Stored> {
  const out = new Map<string, Stored>();
  for (const [name, t] of tensors) {
    const key = prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
    if (out.has(key)) throw userError('duplicate_tensor', `tensor "${name}" is saved both with and without the "${prefix}" prefix`, { file: t.file, path: [name] });
    out.set(key, { ...t, stored: name });
  }
  return out;
}

/** The assembly kind an imported component's checkpoint records: an LM as a pretrain-lm stage writes it; a vision tower alone. */
const IMPORTED_ASSEMBLY: Record<WeightFormat['component'], string> = { lm: 'lm', vit: 'vision' };

/** The shape the mapping expects the stored tensor to have. */
function storedShape(m: TensorMapping): number[] {
  if (m.permute) return m.permute.stored;
  const kept = m.transpose ? [m.shape[1], m.shape[0]] : m.shape;
  return m.columns ? [...kept.slice(0, -1), m.columns.of] : kept;
}

/** A stored tensor's values laid out as vadapter keeps the parameter. */
function laidOut(m: TensorMapping, values: Float32Array): Float32Array {
  if (m.permute) return permute(values, m.permute.stored, m.permute.axes);
  const kept = m.transpose ? [m.shape[1], m.shape[0]] : m.shape;
  const part = m.columns ? sliceColumns(values, m.columns.of, m.columns.from, kept[kept.length - 1]) : values;
  return m.transpose ? transpose2d(part, kept[0], kept[1]) : part;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** `path` as a vadapter checkpoint: its safetensors bytes and what they hold. */
export function convertWeights(path: string, o: ConvertOptions = {}): { bytes: Uint8Array; result: ConvertResult } {
  const model = openHfModel(path, o.config);
  const format = resolveFormat(model.config, model.configFile, o.format);
  const config = format.config(model.config, model.configFile);
  const mappings = format.tensors(config);
  const stored = storedUnder(readHfTensors(model), format.prefix);
  const used = new Set<string>();
  const records: Record<string, TensorRecord> = {};
  for (const m of mappings) {
    const t = stored.get(m.hf);
    if (!t) throw userError('missing_tensor', `no tensor "${m.hf}" (vadapter's ${format.component}.${m.ours}, shape [${m.shape.join(', ')}] by config.json)`, { file: model.path, path: [m.hf] });
    const want = storedShape(m);
    if (!sameShape(t.shape, want)) throw userError('shape_mismatch', `has shape [${t.shape.join(', ')}]; config.json implies [${want.join(', ')}]`, { file: t.file, path: [t.stored] });
    const laid = laidOut(m, toFloat32(t, { file: t.file, name: t.stored }));
    records[`${format.component}.${m.ours}`] = { dtype: 'F32', shape: m.shape, data: new Uint8Array(laid.buffer, laid.byteOffset, laid.byteLength) };
    used.add(m.hf);
  }
  const tiedCopy = (name: string) => 'tiedHead' in config && config.tiedHead !== false && name === 'lm_head.weight'; // some versions save the tied head too
  const extra = [...stored.keys()].filter((n) => !used.has(n) && !tiedCopy(n) && !format.ignored?.test(n));
  if (extra.length > 0) {
    const first = stored.get(extra[0])!;
    throw userError('unexpected_tensor', `${extra.length} tensor(s) the ${format.name} format does not map, e.g. "${first.stored}": is this the right format?`, { file: first.file, path: [first.stored] });
  }
  const sources = fileDigests(model.files);
  const metadata = {
    ...configMetadata({ [format.component]: config }),
    [ASSEMBLY_KEY]: IMPORTED_ASSEMBLY[format.component],
    [SOURCES_KEY]: '{}',
    'vadapter.imported': JSON.stringify({ format: format.name, sources }),
  };
  const parameters = mappings.reduce((a, m) => a + m.shape.reduce((x, y) => x * y, 1), 0);
  return { bytes: encodeSafetensors(records, metadata), result: { format: format.name, component: format.component, config, tensors: mappings.length, parameters, sources } };
}

export function importWeights(path: string, o: ImportOptions): ImportResult {
  const { bytes, result } = convertWeights(path, o);
  writeFileAtomic(o.out, bytes);
  return { out: o.out, ...result };
}
