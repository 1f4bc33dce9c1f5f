// An arm's cost (flops.ts): examples per step and caption tokens per example, from the stage config
// its output recorded at plan time (parsed by the kind's schema; stages/training/training-options.ts
// derives the numbers), and, from the model its checkpoint records (ckpt/layout.ts), trainable
// parameters and forward FLOPs per example (models/summary.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_FILE, readModelMeta } from '../ckpt/layout.ts';
import { readSafetensorsHeader } from '../ckpt/safetensors.ts';
import type { FingerprintInputs } from '../graph/fingerprint.ts';
import { ASSEMBLY_KINDS, type AssemblyConfigs } from '../models/assembly-config.ts';
import { DEFAULT_SHAPE, summarizeAssembly } from '../models/summary.ts';
import type { ExampleShape } from '../models/cost.ts';
import { recordedTrainingWork, type TrainingWork } from '../stages/training/training-options.ts';
import { latestCheckpoint } from '../track/checkpoints.ts';
import type { Db } from '../track/db.ts';
import { getOutput } from '../track/outputs.ts';
import { UserError } from '../util/errors.ts';
import type { ArmCost } from './flops.ts';
import type { Arm, ArmMember } from './select.ts';
import { valueAt } from './spec-values.ts';

export function armCost(db: Db, root: string, arm: Arm): ArmCost {
  const first = arm.members[0];
  const work = recordedWork(db, first.fingerprint);
  const model = arm.members.map((m) => checkpointModel(db, root, m.fingerprint)).find((c) => c !== null) ?? null;
  const summary = model ? summarizeAssembly(model, exampleShape(first, work)) : null;
  return { examplesPerStep: work?.examplesPerStep ?? null, trainableParams: summary?.trainable ?? null, forwardFlopsPerExample: summary?.flopsPerExample ?? null };
}

/** What one update of the output's stage consumes, from the config recorded when it was planned; null for a stage that does not train. */
function recordedWork(db: Db, fingerprint: string): TrainingWork | null {
  const inputs = getOutput(db, fingerprint)?.inputs as FingerprintInputs | undefined;
  return recordedTrainingWork(inputs?.config);
}

/** Frames from data.frames, caption tokens as the stage trained on them, the rest as `vadapter model summary`. */
function exampleShape(m: ArmMember, work: TrainingWork | null): ExampleShape {
  const frames = valueAt(m.spec, 'data.frames');
  return {
    ...DEFAULT_SHAPE,
    frames: typeof frames === 'number' ? frames : DEFAULT_SHAPE.frames,
    captionTokens: work?.tokensPerExample ?? DEFAULT_SHAPE.captionTokens,
  };
}

/** The assembly configs the output's latest checkpoint records, if it has one that can be read. */
function checkpointModel(db: Db, root: string, fingerprint: string): AssemblyConfigs | null {
  const ckpt = latestCheckpoint(db, fingerprint);
  const file = ckpt ? join(root, ckpt.path, MODEL_FILE) : null;
  if (!file || !existsSync(file)) return null;
  try {
    const { configs } = readModelMeta(readSafetensorsHeader(file).metadata, file);
    return (ASSEMBLY_KINDS as readonly string[]).includes(configs.kind) ? configs : null;
  } catch (err) {
    if (err instanceof UserError) return null; // corrupt or unreadable: the cost shows as n/a
    throw err;
  }
}
