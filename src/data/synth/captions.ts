// Captions of synthetic scenes: several templates per scene layout, each naming the attributes
// that identify the scene (colour, shape, size, place, count; for clips the motion direction, which
// only the frame order tells). Training sets take one template at random; caption-eval sets take
// five different ones as references. Video captions come in two styles: terse alt-text ("vtp") and
// spoken narration ("smit").
import type { Rng } from '../../util/rng.ts';
import type { ClipScene, ImageScene, SceneObject } from './scene.ts';
import { COUNT_WORDS, withArticle } from './world.ts';

type Template<S> = (s: S) => string;

const full = (o: SceneObject) => `${o.size.name} ${o.colour.name} ${o.shape.name}`;
const plain = (o: SceneObject) => `${o.colour.name} ${o.shape.name}`;

/** Where `a` is relative to `b`. */
function relation(a: SceneObject, b: SceneObject): string {
  if (a.place.col !== b.place.col) return a.place.col < b.place.col ? 'to the left of' : 'to the right of';
  return a.place.row < b.place.row ? 'above' : 'below';
}

const SINGLE: Template<ImageScene>[] = [
  ({ objects: [o] }) => `${withArticle(full(o))} ${o.place.phrase}`,
  ({ objects: [o] }) => `there is ${withArticle(plain(o))} ${o.place.phrase}`,
  ({ objects: [o] }) => `${o.place.phrase} there is ${withArticle(full(o))}`,
  ({ objects: [o], background }) => `${withArticle(full(o))} on a ${background.name} background`,
  ({ objects: [o] }) => `a picture of ${withArticle(plain(o))} ${o.place.phrase}`,
];

const PAIR: Template<ImageScene>[] = [
  ({ objects: [a, b] }) => `${withArticle(full(a))} ${a.place.phrase} and ${withArticle(full(b))} ${b.place.phrase}`,
  ({ objects: [a, b] }) => `${withArticle(plain(a))} ${relation(a, b)} ${withArticle(plain(b))}`,
  ({ objects: [a, b] }) => `two shapes, ${withArticle(plain(a))} and ${withArticle(plain(b))}`,
  ({ objects: [a, b], background }) => `${withArticle(full(a))} and ${withArticle(full(b))} on a ${background.name} background`,
  ({ objects: [a, b] }) => `there is ${withArticle(plain(b))} ${relation(b, a)} ${withArticle(plain(a))}`,
];

const GROUP: Template<ImageScene>[] = [
  ({ objects }) => `${COUNT_WORDS[objects.length]} ${objects[0].colour.name} ${objects[0].shape.plural}`,
  ({ objects }) => `there are ${COUNT_WORDS[objects.length]} ${objects[0].size.name} ${objects[0].colour.name} ${objects[0].shape.plural}`,
  ({ objects }) => `${COUNT_WORDS[objects.length]} ${objects[0].shape.plural}, all of them ${objects[0].colour.name}`,
  ({ objects, background }) => `a group of ${COUNT_WORDS[objects.length]} ${objects[0].colour.name} ${objects[0].shape.plural} on a ${background.name} background`,
  ({ objects }) => `${COUNT_WORDS[objects.length]} ${objects[0].size.name} ${objects[0].shape.plural} that are ${objects[0].colour.name}`,
];

const IMAGE_TEMPLATES = { single: SINGLE, pair: PAIR, group: GROUP };

const moving = (s: ClipScene) => (s.direction.dy === 0 ? s.direction.name : s.direction.moves); // "moving left" / "moving up"

const TERSE: Template<ClipScene>[] = [
  (s) => `${withArticle(full(s.mover))} moves ${s.direction.moves}`,
  (s) => `${withArticle(plain(s.mover))} moving ${moving(s)}`,
  (s) => `${withArticle(plain(s.mover))} slides from the ${s.direction.from} to the ${s.direction.to}`,
  (s) => (s.still ? `${withArticle(plain(s.mover))} moves ${s.direction.moves} past ${withArticle(plain(s.still))}` : `${withArticle(plain(s.mover))} moves ${s.direction.moves} on a ${s.background.name} background`),
  (s) => `${withArticle(`${s.mover.size.name} ${s.mover.shape.name}`)} that is ${s.mover.colour.name} moves ${s.direction.moves}`,
];

const SPOKEN: Template<ClipScene>[] = [
  (s) => `in this video ${withArticle(plain(s.mover))} is moving ${moving(s)}`,
  (s) => `we see ${withArticle(full(s.mover))} going ${moving(s)}`,
  (s) => `there is ${withArticle(plain(s.mover))} that moves from the ${s.direction.from} to the ${s.direction.to}`,
  (s) => `${withArticle(plain(s.mover))} is moving ${moving(s)} while ${s.still ? `${withArticle(plain(s.still))} stays still` : 'nothing else moves'}`,
  (s) => `the video shows ${withArticle(plain(s.mover))} moving ${moving(s)} on a ${s.background.name} background`,
];

export type ClipStyle = 'terse' | 'spoken';

export function imageCaption(scene: ImageScene, rng: Rng): string {
  const list = IMAGE_TEMPLATES[scene.layout];
  return list[rng.int(list.length)](scene);
}

export function clipCaption(scene: ClipScene, style: ClipStyle, rng: Rng): string {
  const list = style === 'terse' ? TERSE : SPOKEN;
  return list[rng.int(list.length)](scene);
}

/** `n` different reference captions of an image scene. */
export function imageReferences(scene: ImageScene, n: number, rng: Rng): string[] {
  return rng.shuffle([...IMAGE_TEMPLATES[scene.layout]]).slice(0, n).map((t) => t(scene));
}

/** `n` different reference captions of a clip, from both styles. */
export function clipReferences(scene: ClipScene, n: number, rng: Rng): string[] {
  return rng.shuffle([...TERSE, ...SPOKEN]).slice(0, n).map((t) => t(scene));
}

/** Every caption template applied to a scene (for vocabulary checks). */
export function allImageCaptions(scene: ImageScene): string[] {
  return IMAGE_TEMPLATES[scene.layout].map((t) => t(scene));
}

export function allClipCaptions(scene: ClipScene): string[] {
  return [...TERSE, ...SPOKEN].map((t) => t(scene));
}
