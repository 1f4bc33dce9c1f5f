// The fixed transformer of the training-step benchmark (issue 2): a GPT-style decoder, pre-LayerNorm,
// learned positions, GELU (tanh) MLP, causal attention, next-token cross-entropy, AdamW.
// bench/torch/transformer_step.py builds the same model; change both together.
export const TRANSFORMER_STEP = {
  layers: 4,
  batch: 8,
  seq: 64,
  width: 256,
  heads: 4, // head dim 64
  mlp: 1024,
  vocab: 1024,
  lr: 1e-3,
  weightDecay: 0.01,
  seed: 1234,
} as const;
