// The one vocabulary check: the component of an assembly that reads the tokenizer's ids (the LM,
// the contrastive text tower, a VLM's decoder) must have a row for every id the tokenizer produces.
import type { TextTokenizer } from '../data/tokenizer.ts';
import { isVlmConfigs } from './decode/step-model.ts';
import type { AssemblyConfigs } from '../models/assembly-config.ts';
import type { LmConfig } from '../models/lm.ts';
import { decoderOf } from '../models/vlm.ts';
import { userError } from '../util/errors.ts';

/** The component that embeds the tokenizer's ids. */
function tokenReader(c: AssemblyConfigs): { component: string; config: LmConfig } {
  if (isVlmConfigs(c)) return decoderOf(c);
  return c.kind === 'lm' ? { component: 'lm', config: c.lm } : { component: 'text', config: c.text };
}

/** `path`: the stage key that names the component, if the stage configures it (an inherited decoder has none). */
export function checkVocab(configs: AssemblyConfigs, tok: TextTokenizer, path?: (string | number)[]): void {
  const { component, config } = tokenReader(configs);
  if (config.vocab < tok.vocabSize) throw userError('vocab_too_small', `the ${component}'s vocab ${config.vocab} is smaller than the tokenizer's ${tok.vocabSize} tokens`, path ? { path } : {});
}
