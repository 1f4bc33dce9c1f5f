// Random scenes and their rendering. An image scene is one shape, a pair of different shapes, or a
// group of 2-4 identical shapes, each in its own cell of a 3x3 grid; a clip scene is one shape
// crossing the frame in one direction, sometimes beside a second shape that stays still.
// Coordinates are fractions of the image side; every draw comes from the caller's Rng.
import type { Rng } from '../../util/rng.ts';
import { background, cloneCanvas, drawShape, type Canvas } from './raster.ts';
import { BACKGROUNDS, COLOURS, DIRECTIONS, PLACES, SHAPES, SIZES, type Colour, type Direction, type Place, type Shape } from './world.ts';

export interface SceneObject {
  shape: Shape;
  colour: Colour;
  size: (typeof SIZES)[number];
  place: Place;
  /** Centre, as fractions of the image side. */
  x: number;
  y: number;
}

export type Background = (typeof BACKGROUNDS)[number];

export interface ImageScene {
  layout: 'single' | 'pair' | 'group';
  background: Background;
  objects: SceneObject[];
}

export interface ClipScene {
  background: Background;
  /** The moving shape; its place and (x, y) are where it starts. */
  mover: SceneObject;
  direction: Direction;
  /** Where the mover ends, as fractions. */
  end: { x: number; y: number };
  still?: SceneObject;
}

const JITTER = 0.03;
const NOISE = 12;

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

function cellCentre(index: number): number {
  return (2 * index + 1) / 6;
}

function placeObject(rng: Rng, shape: Shape, colour: Colour, size: SceneObject['size'], place: Place): SceneObject {
  const jitter = () => (rng.float() * 2 - 1) * JITTER;
  return { shape, colour, size, place, x: cellCentre(place.col) + jitter(), y: cellCentre(place.row) + jitter() };
}

function distinctPlaces(rng: Rng, n: number): Place[] {
  return rng.shuffle([...PLACES]).slice(0, n);
}

export function sampleImageScene(rng: Rng): ImageScene {
  const layout = pick(rng, ['single', 'single', 'pair', 'group'] as const);
  const bg = pick(rng, BACKGROUNDS);
  if (layout === 'group') {
    const [shape, colour, size] = [pick(rng, SHAPES), pick(rng, COLOURS), pick(rng, SIZES)];
    const places = distinctPlaces(rng, 2 + rng.int(3));
    return { layout, background: bg, objects: places.map((p) => placeObject(rng, shape, colour, size, p)) };
  }
  const n = layout === 'single' ? 1 : 2;
  const shapes = rng.shuffle([...SHAPES]).slice(0, n);
  const colours = rng.shuffle([...COLOURS]).slice(0, n);
  const places = distinctPlaces(rng, n);
  return { layout, background: bg, objects: places.map((p, i) => placeObject(rng, shapes[i], colours[i], pick(rng, SIZES), p)) };
}

export function sampleClipScene(rng: Rng): ClipScene {
  const direction = pick(rng, DIRECTIONS);
  const horizontal = direction.dy === 0;
  const lane = rng.int(3); // the row (horizontal motion) or column (vertical) the mover travels along
  const [start, end] = direction.dx + direction.dy > 0 ? [0.15, 0.85] : [0.85, 0.15];
  const across = cellCentre(lane) + (rng.float() * 2 - 1) * JITTER;
  const [shapes, colours] = [rng.shuffle([...SHAPES]), rng.shuffle([...COLOURS])];
  const startPlace = PLACES.find((p) => (horizontal ? p.row === lane && p.col === (start < 0.5 ? 0 : 2) : p.col === lane && p.row === (start < 0.5 ? 0 : 2)))!;
  const mover: SceneObject = { shape: shapes[0], colour: colours[0], size: pick(rng, SIZES), place: startPlace, x: horizontal ? start : across, y: horizontal ? across : start };
  const scene: ClipScene = { background: pick(rng, BACKGROUNDS), mover, direction, end: { x: horizontal ? end : across, y: horizontal ? across : end } };
  if (rng.float() < 0.5) {
    const offLane = PLACES.filter((p) => (horizontal ? p.row !== lane : p.col !== lane));
    scene.still = placeObject(rng, shapes[1], colours[1], pick(rng, SIZES), pick(rng, offLane));
  }
  return scene;
}

function drawObject(c: Canvas, o: SceneObject, x = o.x, y = o.y): void {
  drawShape(c, o.shape.name, x * c.size, y * c.size, o.size.radius * c.size, o.colour.rgb);
}

export function renderImage(scene: ImageScene, size: number, rng: Rng): Canvas {
  const c = background(size, scene.background.rgb, NOISE, rng);
  for (const o of scene.objects) drawObject(c, o);
  return c;
}

/** `frames` frames over one static background: the mover goes from its start to its end at constant speed. */
export function renderClip(scene: ClipScene, size: number, frames: number, rng: Rng): Canvas[] {
  const base = background(size, scene.background.rgb, NOISE, rng);
  if (scene.still) drawObject(base, scene.still);
  return Array.from({ length: frames }, (_, f) => {
    const t = frames === 1 ? 0 : f / (frames - 1);
    const c = cloneCanvas(base);
    drawObject(c, scene.mover, scene.mover.x + (scene.end.x - scene.mover.x) * t, scene.mover.y + (scene.end.y - scene.mover.y) * t);
    return c;
  });
}
