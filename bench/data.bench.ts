// Decoding throughput of the training stream (Arrow shards -> shuffled mixture -> sharp decode +
// resize -> float32 frames -> stacked batches) against the practical limit: a plain loop of sharp
// decode + resize over the same encoded bytes, already in memory. Both run here, in the same
// process; the ratio is what counts (aim: >= 0.8). The loop is timed one image at a time and with as
// many decodes in flight as the stream keeps (its prefetch depth).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { formatTable } from '../src/cli/output.ts';
import { Dataset } from '../src/data/dataset.ts';
import { sampleFrameIndices } from '../src/data/frames.ts';
import { ensureSynthetic } from '../src/data/synth/ensure.ts';
import { TrainStream, trainBatches } from '../src/data/train-stream.ts';
import type { Benchmark, BenchContext } from './registry.ts';

const SIZE = 32; // the CPU-sized ViTs' input
const FRAMES = 8;
const BATCH = 32;
const PREFETCH = 16;

interface Case {
  label: string;
  source: 'webli' | 'vtp';
  examples: number;
}

/** Encoded images the stream would decode for `examples` rows: one per image row, the sampled frames of a clip. */
async function encodedInputs(dir: string, examples: number): Promise<Uint8Array[]> {
  const ds = await Dataset.open(dir);
  const out: Uint8Array[] = [];
  try {
    for await (const row of ds.rows()) {
      const frames = row.frames as Uint8Array[] | undefined;
      if (frames) out.push(...[...new Set(sampleFrameIndices(frames.length, FRAMES))].map((i) => frames[i]));
      else out.push(row.image as Uint8Array);
      if (out.length >= examples * (frames ? FRAMES : 1)) break;
    }
  } finally {
    await ds.close();
  }
  return out;
}

/** Images per second of a plain sharp decode + resize loop with `inFlight` decodes at a time. */
async function plainLoop(inputs: Uint8Array[], inFlight: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < inputs.length) await sharp(inputs[next++]).resize(SIZE, SIZE, { fit: 'fill' }).raw().toBuffer();
    }),
  );
  return inputs.length / ((performance.now() - start) / 1000);
}

/** Decoded images per second through the training stream, batches of BATCH. */
async function streamRate(dir: string, source: string, examples: number, prefetch: number, imagesPerExample: number): Promise<number> {
  const stream = await TrainStream.open({ sources: { [source]: dir }, seed: 0, frames: FRAMES, height: SIZE, width: SIZE, prefetch });
  const start = performance.now();
  let seen = 0;
  for await (const batch of trainBatches(stream, BATCH)) {
    seen += batch.shape[0];
    if (seen >= examples) break;
  }
  await stream.close();
  return (seen * imagesPerExample) / ((performance.now() - start) / 1000);
}

async function run(ctx: BenchContext): Promise<void> {
  const root = join(tmpdir(), 'vadapter-bench-data');
  const scale = ctx.quick ? 'tiny' : 'small';
  const synth = await ensureSynthetic(join(root, scale), { scale, seed: 0, only: ['webli', 'vtp'] });
  const cases: Case[] = [
    { label: `images ${SIZE}x${SIZE}, x${FRAMES} frames`, source: 'webli', examples: ctx.quick ? 32 : 2048 },
    { label: `clips, ${FRAMES} of 8 frames ${SIZE}x${SIZE}`, source: 'vtp', examples: ctx.quick ? 16 : 512 },
  ];
  const rows: string[][] = [];
  for (const c of cases) {
    const dir = synth.datasets[c.source];
    const perExample = c.source === 'vtp' ? FRAMES : 1;
    const inputs = await encodedInputs(dir, c.examples);
    await plainLoop(inputs.slice(0, 64), PREFETCH); // warm sharp's thread pool
    const [loop1, loopN] = [await plainLoop(inputs, 1), await plainLoop(inputs, PREFETCH)];
    const [stream1, streamN] = [await streamRate(dir, c.source, c.examples, 1, perExample), await streamRate(dir, c.source, c.examples, PREFETCH, perExample)];
    rows.push([c.label, '1', loop1.toFixed(0), stream1.toFixed(0), (stream1 / loop1).toFixed(2)]);
    rows.push([c.label, String(PREFETCH), loopN.toFixed(0), streamN.toFixed(0), (streamN / loopN).toFixed(2)]);
  }
  ctx.log(formatTable(['case', 'in flight', 'sharp loop img/s', 'stream img/s', 'ratio'], rows));
  ctx.log(`\nimg/s: decoded + resized images per second (an image row decodes once and is repeated to ${FRAMES} frames). Datasets: ${root}.`);
  if (ctx.quick) ctx.log("--quick reads a few dozen rows: the stream's start-up (opening shards, filling the read-ahead) dominates, so the ratio means little.");
}

export const benchmark: Benchmark = {
  name: 'data',
  description: `training-stream decoding (Arrow -> sharp -> float32 [batch, ${FRAMES}, ${SIZE}, ${SIZE}, 3]) vs a plain sharp decode+resize loop over the same bytes`,
  run,
};
