// The closed world of the synthetic datasets: colours, shapes, sizes, places on a 3x3 grid, motion
// directions and backgrounds, with the words and answer variants used to talk about them.
import type { AttributeWords } from '../manifest.ts';

export interface Colour {
  name: string;
  rgb: [number, number, number];
  /** Other ways an annotator might name it (VQA answer noise). */
  variants: string[];
}

export const COLOURS: Colour[] = [
  { name: 'red', rgb: [220, 40, 40], variants: ['dark red'] },
  { name: 'green', rgb: [40, 180, 60], variants: ['dark green'] },
  { name: 'blue', rgb: [50, 90, 230], variants: ['dark blue'] },
  { name: 'yellow', rgb: [240, 220, 50], variants: ['gold'] },
  { name: 'purple', rgb: [150, 60, 200], variants: ['violet'] },
  { name: 'orange', rgb: [250, 140, 30], variants: ['dark orange'] },
  { name: 'white', rgb: [245, 245, 245], variants: ['light gray'] },
  { name: 'pink', rgb: [250, 140, 200], variants: ['light pink'] },
];

export type ShapeName = 'circle' | 'square' | 'triangle' | 'diamond' | 'star';

export interface Shape {
  name: ShapeName;
  plural: string;
  variants: string[];
}

export const SHAPES: Shape[] = [
  { name: 'circle', plural: 'circles', variants: ['ball', 'round'] },
  { name: 'square', plural: 'squares', variants: ['box', 'rectangle'] },
  { name: 'triangle', plural: 'triangles', variants: ['pyramid'] },
  { name: 'diamond', plural: 'diamonds', variants: ['rhombus'] },
  { name: 'star', plural: 'stars', variants: ['star shape'] },
];

export type SizeName = 'small' | 'large';

/** Shape radius as a fraction of the image side. */
export const SIZES: { name: SizeName; radius: number }[] = [
  { name: 'small', radius: 0.08 },
  { name: 'large', radius: 0.14 },
];

export interface Place {
  /** Column and row on the 3x3 grid, 0..2. */
  col: number;
  row: number;
  /** The short answer ("top left") and the phrase in a caption ("in the top left corner"). */
  answer: string;
  phrase: string;
  variants: string[];
}

export const PLACES: Place[] = [
  { col: 0, row: 0, answer: 'top left', phrase: 'in the top left corner', variants: ['upper left', 'top left corner'] },
  { col: 1, row: 0, answer: 'top', phrase: 'at the top', variants: ['top middle'] },
  { col: 2, row: 0, answer: 'top right', phrase: 'in the top right corner', variants: ['upper right', 'top right corner'] },
  { col: 0, row: 1, answer: 'left', phrase: 'on the left', variants: ['left side'] },
  { col: 1, row: 1, answer: 'center', phrase: 'in the center', variants: ['middle'] },
  { col: 2, row: 1, answer: 'right', phrase: 'on the right', variants: ['right side'] },
  { col: 0, row: 2, answer: 'bottom left', phrase: 'in the bottom left corner', variants: ['lower left', 'bottom left corner'] },
  { col: 1, row: 2, answer: 'bottom', phrase: 'at the bottom', variants: ['bottom middle'] },
  { col: 2, row: 2, answer: 'bottom right', phrase: 'in the bottom right corner', variants: ['lower right', 'bottom right corner'] },
];

export type DirectionName = 'left' | 'right' | 'up' | 'down';

export interface Direction {
  name: DirectionName;
  /** Unit step in image coordinates (y grows downwards). */
  dx: number;
  dy: number;
  /** "moves to the left", "from the right to the left". */
  moves: string;
  from: string;
  to: string;
  variants: string[];
}

export const DIRECTIONS: Direction[] = [
  { name: 'left', dx: -1, dy: 0, moves: 'to the left', from: 'right', to: 'left', variants: ['to the left', 'leftward'] },
  { name: 'right', dx: 1, dy: 0, moves: 'to the right', from: 'left', to: 'right', variants: ['to the right', 'rightward'] },
  { name: 'up', dx: 0, dy: -1, moves: 'up', from: 'bottom', to: 'top', variants: ['upward', 'upwards'] },
  { name: 'down', dx: 0, dy: 1, moves: 'down', from: 'top', to: 'bottom', variants: ['downward', 'downwards'] },
];

export const BACKGROUNDS: { name: string; rgb: [number, number, number] }[] = [
  { name: 'black', rgb: [18, 18, 18] },
  { name: 'gray', rgb: [110, 110, 110] },
];

export const COUNT_WORDS = ['zero', 'one', 'two', 'three', 'four'];

/** The words captions name an object's shape, colour and size with (word -> value): the manifests' `attributes`. */
export const ATTRIBUTE_WORDS: AttributeWords = {
  shape: Object.fromEntries(SHAPES.flatMap((s) => [[s.name, s.name], [s.plural, s.name]])),
  colour: Object.fromEntries(COLOURS.map((c) => [c.name, c.name])),
  size: Object.fromEntries(SIZES.map((s) => [s.name, s.name])),
};

/** Words of the paper's prompts (PAPER.md, evaluation protocols), so that a tokenizer built for the synthetic data covers them. */
export const PROMPT_TEXTS = [
  'Describe the following :',
  'Answer the question given the images. Given . Question : ? Answer:',
  'Answer in exactly one word:',
];

/** "a" or "an" before `phrase`. */
export function withArticle(phrase: string): string {
  return /^[aeiou]/.test(phrase) ? `an ${phrase}` : `a ${phrase}`;
}
