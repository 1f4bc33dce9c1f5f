// Keys shared by the alignment stages (stage 1, stage 2, the resampler baseline): the frozen
// vision stage, the prompt around the visual tokens, the decoder's mask over the prompt.
import { z } from 'zod';
import { trainingShape } from './training-options.ts';

export const CAPTION_PROMPT = 'Describe the following: <visual> :'; // the paper's training prompt

export const alignmentShape = {
  vision: z.string().min(1), // the pretrain-vision stage whose ViT is frozen here
  prompt: z.string().default(CAPTION_PROMPT),
  decoderMask: z.enum(['causal', 'prefix']).default('causal'), // how the decoder attends over the prompt
  ...trainingShape,
};
