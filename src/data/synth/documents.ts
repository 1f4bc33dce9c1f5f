// Text-only documents about synthetic scenes, for pretraining the frozen LLM. A real frozen LLM
// (PaLM 2 in the paper) already reads a context and writes what follows from it: it continues a
// description with a caption and answers a question about what a text describes. A small LM trained
// on single captions never needs its context, so a visual prefix cannot steer it. These documents
// give the CPU-scale LLM that ability with no image in sight: each is about one freshly sampled
// scene (from the same grammar as the images and clips), and its later text is determined by its
// earlier text. Four kinds, drawn with DOCUMENT_WEIGHTS:
//
//   captions   three different captions of one scene in a row:       `c1 . c2 . c3`
//   describe   the paper's captioning prompt with text in place of the visual tokens:
//              `Describe the following: <description or another caption> : <caption>`
//   qa         the paper's QA prompt with text in place of the visual tokens, answered in words:
//              `Answer the question given the images. Given <description>. Question : <q> ? Answer: <a>`
//              (clips end `Answer in exactly one word: <a>`), a quarter of them after a text-only QA shot of other
//              scenes written as the evaluate stage's few-shot prefix writes them
//   recap      a scene's description, then one of its captions:        `<description> . <caption>`
//
// A description names every attribute a question can ask about (sizes, colours, shapes, places,
// counts, the motion), so that every question is answerable from it.
//
// Glimpses (glimpseDocument, the synthetic `glimpses` set) are the same two prompts with a partial
// context: a random subset of the scene's attribute words, shuffled. An LLM pretrained only on full
// descriptions learns to copy its context; an adapter's visual tokens carry some attributes (colour
// first, at CPU scale) and not others, and such an LLM then writes a caption no better than its blind
// prior. From glimpses it learns to use whatever attributes its context has and fill in the rest. The templates are the paper's
// prompts as the evaluate stage fills them (eval/tasks.ts and eval/prompts.ts; a test keeps the two equal).
import type { Rng } from '../../util/rng.ts';
import { clipCaption, clipReferences, imageCaption, imageReferences } from './captions.ts';
import { clipQuestions, imageQuestions, pickQuestion, type Question } from './questions.ts';
import { sampleClipScene, sampleImageScene, type ClipScene, type ImageScene, type SceneObject } from './scene.ts';
import { COUNT_WORDS, withArticle } from './world.ts';

export const DOCUMENT_KINDS = ['captions', 'describe', 'qa', 'recap'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Share of each kind among the documents. */
export const DOCUMENT_WEIGHTS: Record<DocumentKind, number> = { captions: 0.3, describe: 0.35, qa: 0.3, recap: 0.05 };

/** Share of scenes that are clips (the rest are still images). */
const CLIP_SHARE = 0.3;
/** Share of QA documents that start with one text-only shot of another scene. */
const SHOT_SHARE = 0.25;

/** The paper's prompts around a text that stands where the visual tokens go. */
export const DOCUMENT_PROMPTS = {
  caption: (context: string, caption: string) => `Describe the following: ${context} : ${caption}`,
  qa: (context: string, question: string, answer: string, clip: boolean) =>
    `Answer the question given the images. Given ${context}. Question : ${bareQuestion(question)} ? ${clip ? 'Answer in exactly one word:' : 'Answer:'} ${answer}`,
  shot: (question: string, answer: string) => `Question : ${bareQuestion(question)} ? Answer: ${answer}`,
};

function bareQuestion(question: string): string {
  return question.trim().replace(/\s*\?+$/, '');
}

const full = (o: SceneObject) => `${o.size.name} ${o.colour.name} ${o.shape.name}`;

function listPhrases(phrases: string[]): string {
  return phrases.length === 1 ? phrases[0] : `${phrases.slice(0, -1).join(' , ')} and ${phrases[phrases.length - 1]}`;
}

/** Every attribute of an image scene, in one sentence. */
export function describeImage(s: ImageScene): string {
  const bg = `on a ${s.background.name} background`;
  if (s.layout === 'group') {
    const o = s.objects[0];
    return `${COUNT_WORDS[s.objects.length]} ${o.size.name} ${o.colour.name} ${o.shape.plural} ${listPhrases(s.objects.map((p) => p.place.phrase))} ${bg}`;
  }
  return `${listPhrases(s.objects.map((o) => `${withArticle(full(o))} ${o.place.phrase}`))} ${bg}`;
}

/** Every attribute of a clip, in one sentence. */
export function describeClip(s: ClipScene): string {
  const still = s.still ? ` past ${withArticle(full(s.still))} ${s.still.place.phrase}` : '';
  return `${withArticle(full(s.mover))} moves ${s.direction.moves} from the ${s.direction.from} to the ${s.direction.to}${still} on a ${s.background.name} background`;
}

const objectAttributes = (o: SceneObject, shape: string = o.shape.name) => [o.size.name, o.colour.name, shape, o.place.answer];

/** An image scene's attribute words: each object's size, colour, shape and place (a group's count once), the background. */
export function imageAttributes(s: ImageScene): string[] {
  if (s.layout !== 'group') return [...s.objects.flatMap((o) => objectAttributes(o)), s.background.name];
  const o = s.objects[0];
  return [COUNT_WORDS[s.objects.length], ...objectAttributes(o, o.shape.plural), ...s.objects.slice(1).map((p) => p.place.answer), s.background.name];
}

/** A clip's attribute words: the mover's size, colour, shape and direction, the still shape's, the background. */
export function clipAttributes(s: ClipScene): string[] {
  const mover = [s.mover.size.name, s.mover.colour.name, s.mover.shape.name, s.direction.name];
  return [...mover, ...(s.still ? objectAttributes(s.still) : []), s.background.name];
}

interface SceneText {
  clip: boolean;
  description: string;
  /** The scene's attribute words (sizes, colours, shapes, places, counts, directions, background). */
  attributes: string[];
  references: (n: number) => string[];
  caption: () => string;
  questions: () => Question[];
}

function sceneText(rng: Rng): SceneText {
  if (rng.float() < CLIP_SHARE) {
    const s = sampleClipScene(rng);
    return { clip: true, description: describeClip(s), attributes: clipAttributes(s), references: (n) => clipReferences(s, n, rng), caption: () => clipCaption(s, rng.float() < 0.5 ? 'terse' : 'spoken', rng), questions: () => clipQuestions(s, rng) };
  }
  const s = sampleImageScene(rng);
  return { clip: false, description: describeImage(s), attributes: imageAttributes(s), references: (n) => imageReferences(s, n, rng), caption: () => imageCaption(s, rng), questions: () => imageQuestions(s, rng) };
}

function pickKind(rng: Rng): DocumentKind {
  let u = rng.float();
  for (const kind of DOCUMENT_KINDS) if ((u -= DOCUMENT_WEIGHTS[kind]) < 0) return kind;
  return DOCUMENT_KINDS[DOCUMENT_KINDS.length - 1];
}

function qaDocument(scene: SceneText, context: string, rng: Rng): string {
  const shots = Array.from({ length: rng.float() < SHOT_SHARE ? 1 : 0 }, () => {
    const other = sceneText(rng);
    const q = pickQuestion(other.questions(), rng);
    return DOCUMENT_PROMPTS.shot(q.question, q.answer);
  });
  const q = pickQuestion(scene.questions(), rng);
  return [...shots, DOCUMENT_PROMPTS.qa(context, q.question, q.answer, scene.clip)].join(' ');
}

/** Share of glimpses that are captioning prompts (the rest are QA prompts). */
const GLIMPSE_CAPTION_SHARE = 0.6;

/** A random subset of the scene's attribute words, shuffled: each kept with one probability drawn in [0.2, 0.8], at least one. */
function glimpse(scene: SceneText, rng: Rng): string {
  const keep = 0.2 + 0.6 * rng.float();
  const kept = scene.attributes.filter(() => rng.float() < keep);
  if (kept.length === 0) kept.push(scene.attributes[rng.int(scene.attributes.length)]);
  return rng.shuffle(kept).join(' ');
}

/** One glimpse document of a freshly sampled scene: a partial context, then a caption or an answer. */
export function glimpseDocument(rng: Rng): { kind: 'describe' | 'qa'; text: string } {
  const scene = sceneText(rng);
  const context = glimpse(scene, rng);
  if (rng.float() < GLIMPSE_CAPTION_SHARE) return { kind: 'describe', text: DOCUMENT_PROMPTS.caption(context, scene.caption()) };
  return { kind: 'qa', text: qaDocument(scene, context, rng) };
}

/** One document of a freshly sampled scene; everything is drawn from `rng`. */
export function sceneDocument(rng: Rng): { kind: DocumentKind; text: string } {
  const kind = pickKind(rng);
  const scene = sceneText(rng);
  switch (kind) {
    case 'captions':
      return { kind, text: scene.references(3).join(' . ') };
    case 'describe': {
      const [context, caption] = rng.float() < 0.5 ? [scene.description, scene.caption()] : scene.references(2);
      return { kind, text: DOCUMENT_PROMPTS.caption(context, caption) };
    }
    case 'qa':
      return { kind, text: qaDocument(scene, scene.description, rng) };
    case 'recap':
      return { kind, text: `${scene.description} . ${scene.caption()}` };
  }
}
