// Text generation for evaluation: greedy decoding (the paper's) or beam search over a VLM
// assembly's decoder, batched, with the visual prefix and prompt run once and a KV cache after.
//
//   const hyps = await generate(assembly.params, configs, promptBatch, { method: 'greedy', maxTokens: 24, stopIds: [tok.eosId] });
//   hyps[i].ids -> tok.decode(hyps[i].ids)
import type { Params } from '../models/params.ts';
import type { PromptBatch, VlmConfigs } from '../models/vlm.ts';
import { beamSearch } from './decode/beam.ts';
import { greedyDecode } from './decode/greedy.ts';
import type { Hypothesis, StopOptions } from './decode/hypothesis.ts';
import { vlmStepModel, type StepModel } from './decode/step-model.ts';

export type { Hypothesis } from './decode/hypothesis.ts';

export interface DecodingOptions extends StopOptions {
  method: 'greedy' | 'beam';
  beams?: number; // beam width (beam only; default 4)
  lengthPenalty?: number; // beam only: rank finished beams by logProb / length^lengthPenalty (default 0)
}

/** Decode every example of a step model with the chosen method. */
export function decode<S>(model: StepModel<S>, o: DecodingOptions): Promise<Hypothesis[]> {
  const stop = { maxTokens: o.maxTokens, stopIds: o.stopIds, ...(o.stopSequences ? { stopSequences: o.stopSequences } : {}) };
  if (o.method === 'greedy') return greedyDecode(model, stop);
  return beamSearch(model, { ...stop, beams: o.beams ?? 4, lengthPenalty: o.lengthPenalty ?? 0 });
}

/** Generate a continuation of each prompt of `batch` (frames, left-padded prompts) with a VLM assembly. */
export function generate(params: Params, configs: VlmConfigs, batch: PromptBatch, o: DecodingOptions): Promise<Hypothesis[]> {
  return decode(vlmStepModel(params, configs, batch), o);
}
