// An arm's cost (flops.ts): examples per step (batch size x accumulation, from the trial's stage
// block) and, from the model its checkpoint records (`model.safetensors` metadata: `vadapter.assembly`
// and `vadapter.config`), trainable parameters and forward FLOPs per example (models/summary.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointConfigs } from '../ckpt/layout.ts';
import { readSafetensorsHeader } from '../ckpt/safetensors.ts';
import { ASSEMBLY_KINDS, type AssemblyConfigs } from '../models/assembly_config.ts';
import { DEFAULT_SHAPE, summarizeAssembly } from '../models/summary.ts';
import type { ExampleShape } from '../models/cost.ts';
import { latestCheckpoint } from '../track/checkpoints.ts';
import type { Db } from '../track/db.ts';
import { loopSchema } from '../train/loop.ts';
import { UserError } from '../util/errors.ts';
import type { ArmCost } from './flops.ts';
import type { Arm, ArmMember } from './select.ts';
import { valueAt } from './spec-values.ts';

/** The file of a training checkpoint that holds the model and its configs (stages/common/train-checkpoint.ts). */
const MODEL_FILE = 'model.safetensors';
const ASSEMBLY_KEY = 'vadapter.assembly';

export function armCost(db: Db, root: string, arm: Arm): ArmCost {
  const first = arm.members[0];
  const model = arm.members.map((m) => checkpointModel(db, root, m.fingerprint)).find((c) => c !== null) ?? null;
  const summary = model ? summarizeAssembly(model, exampleShape(first, arm.stage)) : null;
  return { examplesPerStep: examplesPerStep(first, arm.stage), trainableParams: summary?.trainable ?? null, forwardFlopsPerExample: summary?.flopsPerExample ?? null };
}

function stageBlock(m: ArmMember, stage: string): Record<string, unknown> {
  const block = valueAt(m.spec, `stages.${stage}`);
  return block !== null && typeof block === 'object' ? (block as Record<string, unknown>) : {};
}

function examplesPerStep(m: ArmMember, stage: string): number | null {
  const block = stageBlock(m, stage);
  if (block.steps === undefined) return null;
  const batch = loopSchema.shape.batchSize.safeParse(block.batchSize);
  const accumulate = loopSchema.shape.accumulate.safeParse(block.accumulate);
  return batch.success && accumulate.success ? batch.data * accumulate.data : null;
}

/** Frames from data.frames, caption tokens from the stage's maxTokens (+ end of sequence), the rest as `vadapter model summary`. */
function exampleShape(m: ArmMember, stage: string): ExampleShape {
  const frames = valueAt(m.spec, 'data.frames');
  const maxTokens = stageBlock(m, stage).maxTokens;
  return {
    ...DEFAULT_SHAPE,
    frames: typeof frames === 'number' ? frames : DEFAULT_SHAPE.frames,
    captionTokens: typeof maxTokens === 'number' ? maxTokens + 1 : DEFAULT_SHAPE.captionTokens,
  };
}

/** The assembly configs the output's latest checkpoint records, if it has one that can be read. */
function checkpointModel(db: Db, root: string, fingerprint: string): AssemblyConfigs | null {
  const ckpt = latestCheckpoint(db, fingerprint);
  const file = ckpt ? join(root, ckpt.path, MODEL_FILE) : null;
  if (!file || !existsSync(file)) return null;
  try {
    const { metadata } = readSafetensorsHeader(file);
    const kind = metadata[ASSEMBLY_KEY];
    if (!(ASSEMBLY_KINDS as readonly string[]).includes(kind)) return null;
    return { kind, ...checkpointConfigs(metadata) } as AssemblyConfigs;
  } catch (err) {
    if (err instanceof UserError) return null; // corrupt or unreadable: the cost shows as n/a
    throw err;
  }
}
