// What one training step of an arm costs, and the training FLOPs after N steps, estimated as
// 3 x forward FLOPs per example x examples seen (the backward pass ~ 2x the forward).

export interface ArmCost {
  examplesPerStep: number | null; // batch size x accumulation; null for a stage that does not train
  trainableParams: number | null; // null where no checkpoint with model metadata is left
  forwardFlopsPerExample: number | null;
}

export const TRAINING_FLOPS_FACTOR = 3;

/** Training FLOPs after `step` steps, or null when either factor is unknown. */
export function trainingFlops(cost: ArmCost, step: number): number | null {
  if (cost.examplesPerStep === null || cost.forwardFlopsPerExample === null) return null;
  return TRAINING_FLOPS_FACTOR * cost.forwardFlopsPerExample * cost.examplesPerStep * step;
}
