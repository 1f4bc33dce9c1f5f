// Questions about synthetic scenes with ten simulated human answers each, as VQAv2 has: most
// annotators give the canonical answer, some a variant (a synonym, "three" for "3"), a few a wrong
// one, so that VQA accuracy (min(1, matches / 3)) behaves as on real data. Answer types follow VQAv2:
// 'yes/no', 'number', 'other'. Image questions ask colour, shape, count, place and yes/no; clip
// questions ask the direction of motion, which shape moved, its colour, and yes/no.
import type { Rng } from '../../util/rng.ts';
import type { ClipScene, ImageScene, SceneObject } from './scene.ts';
import { COLOURS, COUNT_WORDS, DIRECTIONS, PLACES, SHAPES, withArticle } from './world.ts';

export type AnswerType = 'yes/no' | 'number' | 'other';

export interface Question {
  question: string;
  answer: string;
  answerType: AnswerType;
  questionType: string;
  /** Acceptable other phrasings an annotator may use. */
  variants: string[];
  /** Plausible wrong answers. */
  wrong: string[];
}

const ANSWERS_PER_QUESTION = 10;
const P_VARIANT = 0.1;
const P_WRONG = 0.08;

/** Ten annotator answers for a question. */
export function humanAnswers(q: Question, rng: Rng): string[] {
  return Array.from({ length: ANSWERS_PER_QUESTION }, () => {
    const u = rng.float();
    if (u < P_WRONG && q.wrong.length > 0) return q.wrong[rng.int(q.wrong.length)];
    if (u < P_WRONG + P_VARIANT && q.variants.length > 0) return q.variants[rng.int(q.variants.length)];
    return q.answer;
  });
}

const others = (all: string[], right: string) => all.filter((a) => a !== right);
const colourNames = COLOURS.map((c) => c.name);
const shapeNames = SHAPES.map((s) => s.name);

function yesNo(question: string, truth: boolean, questionType: string): Question {
  const answer = truth ? 'yes' : 'no';
  return { question, answer, answerType: 'yes/no', questionType, variants: [], wrong: [truth ? 'no' : 'yes'] };
}

function colourOf(o: SceneObject, question: string, questionType = 'what color is the'): Question {
  return { question, answer: o.colour.name, answerType: 'other', questionType, variants: o.colour.variants, wrong: others(colourNames, o.colour.name) };
}

function shapeOf(o: SceneObject, question: string, questionType: string): Question {
  return { question, answer: o.shape.name, answerType: 'other', questionType, variants: o.shape.variants, wrong: others(shapeNames, o.shape.name) };
}

function count(n: number, plural: string): Question {
  const wrong = [n - 1, n + 1].filter((k) => k >= 0).map(String);
  return { question: `how many ${plural} are there?`, answer: String(n), answerType: 'number', questionType: 'how many', variants: [COUNT_WORDS[n]], wrong };
}

/** Every question that has a single right answer for this image. */
export function imageQuestions(scene: ImageScene, rng: Rng): Question[] {
  const { objects } = scene;
  const qs: Question[] = [];
  const unique = (key: (o: SceneObject) => string, o: SceneObject) => objects.filter((p) => key(p) === key(o)).length === 1;
  for (const o of objects) {
    if (unique((p) => p.shape.name, o)) qs.push(colourOf(o, `what color is the ${o.shape.name}?`));
    if (unique((p) => p.colour.name, o)) qs.push(shapeOf(o, `what shape is the ${o.colour.name} object?`, 'what shape is the'));
    if (objects.length === 1 || unique((p) => p.colour.name + p.shape.name, o)) {
      qs.push({ question: `where is the ${o.colour.name} ${o.shape.name}?`, answer: o.place.answer, answerType: 'other', questionType: 'where is the', variants: o.place.variants, wrong: others(PLACES.map((p) => p.answer), o.place.answer) });
    }
  }
  const shape = SHAPES[rng.int(SHAPES.length)];
  qs.push(count(objects.filter((o) => o.shape.name === shape.name).length, shape.plural));
  const asked = { colour: COLOURS[rng.int(COLOURS.length)], shape: SHAPES[rng.int(SHAPES.length)] };
  const present = rng.float() < 0.5 ? objects[rng.int(objects.length)] : undefined;
  const [c, s] = present ? [present.colour, present.shape] : [asked.colour, asked.shape];
  qs.push(yesNo(`is there ${withArticle(`${c.name} ${s.name}`)}?`, objects.some((o) => o.colour === c && o.shape === s), 'is there a'));
  return qs;
}

/** Every question with a single right answer for this clip. */
export function clipQuestions(scene: ClipScene, rng: Rng): Question[] {
  const m = scene.mover;
  const direction: Question = {
    question: `which direction does the ${m.colour.name} ${m.shape.name} move?`,
    answer: scene.direction.name,
    answerType: 'other',
    questionType: 'which direction',
    variants: scene.direction.variants,
    wrong: others(DIRECTIONS.map((d) => d.name), scene.direction.name),
  };
  const askedDirection = rng.float() < 0.5 ? scene.direction : DIRECTIONS[rng.int(DIRECTIONS.length)];
  const moving = askedDirection.dy === 0 ? askedDirection.name : askedDirection.moves;
  return [
    direction,
    shapeOf(m, 'which shape moved?', 'which shape'),
    colourOf(m, 'what color is the moving shape?', 'what color is the'),
    yesNo(`is the ${m.shape.name} moving ${moving}?`, askedDirection === scene.direction, 'is the'),
  ];
}

/** Answer types in VQAv2's proportions (about 38% yes/no, 12% number, 50% other). */
const TYPE_WEIGHTS: [AnswerType, number][] = [
  ['yes/no', 0.38],
  ['number', 0.12],
  ['other', 0.5],
];

/** One question of `qs`, its answer type drawn with VQAv2-like frequencies. */
export function pickQuestion(qs: Question[], rng: Rng): Question {
  const available = TYPE_WEIGHTS.filter(([t]) => qs.some((q) => q.answerType === t));
  const total = available.reduce((a, [, w]) => a + w, 0);
  let u = rng.float() * total;
  const type = available.find(([, w]) => (u -= w) < 0)?.[0] ?? available[available.length - 1][0];
  const ofType = qs.filter((q) => q.answerType === type);
  return ofType[rng.int(ofType.length)];
}
