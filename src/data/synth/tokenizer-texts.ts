// Every text the synthetic generator can produce, for a word-level tokenizer that never needs
// <unk> on synthetic data: all caption templates, descriptions and questions over a fixed sample of
// scenes (each template's own words appear whatever the scene), every attribute word and answer
// variant, and the words of the paper's prompts.
import { Rng } from '../../util/rng.ts';
import { allClipCaptions, allImageCaptions } from './captions.ts';
import { describeClip, describeImage } from './documents.ts';
import { clipQuestions, imageQuestions } from './questions.ts';
import { sampleClipScene, sampleImageScene } from './scene.ts';
import { BACKGROUNDS, COLOURS, COUNT_WORDS, DIRECTIONS, PLACES, PROMPT_TEXTS, SHAPES, SIZES } from './world.ts';

const SAMPLED_SCENES = 200;

function attributeTexts(): string[] {
  return [
    ...COLOURS.flatMap((c) => [c.name, ...c.variants]),
    ...SHAPES.flatMap((s) => [s.name, s.plural, ...s.variants]),
    ...SIZES.map((s) => s.name),
    ...PLACES.flatMap((p) => [p.answer, p.phrase, ...p.variants]),
    ...DIRECTIONS.flatMap((d) => [d.name, d.moves, d.from, d.to, ...d.variants]),
    ...BACKGROUNDS.map((b) => b.name),
    ...COUNT_WORDS,
    ...COUNT_WORDS.map((_, i) => String(i)),
    'yes no',
  ];
}

export function synthVocabularyTexts(): string[] {
  const rng = new Rng(0);
  const texts = [...attributeTexts(), ...PROMPT_TEXTS];
  for (let i = 0; i < SAMPLED_SCENES; i++) {
    const image = sampleImageScene(rng);
    const clip = sampleClipScene(rng);
    texts.push(...allImageCaptions(image), ...allClipCaptions(clip), describeImage(image), describeClip(clip));
    for (const q of [...imageQuestions(image, rng), ...clipQuestions(clip, rng)]) texts.push(q.question, q.answer, ...q.variants, ...q.wrong);
  }
  return texts;
}
