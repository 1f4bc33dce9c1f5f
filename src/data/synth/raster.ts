// A tiny rasteriser for the synthetic images: RGB canvases with a noisy background and filled
// shapes, anti-aliased by 4x4 supersampling of each edge pixel. Pixels are [height, width, 3] bytes.
import { Rng } from '../../util/rng.ts';
import type { ShapeName } from './world.ts';

export interface Canvas {
  size: number;
  /** [size, size, 3] */
  pixels: Uint8Array;
}

/** A canvas of `rgb` with per-pixel noise of +-`noise` levels (a texture, so that images are not flat). */
export function background(size: number, rgb: [number, number, number], noise: number, rng: Rng): Canvas {
  const pixels = new Uint8Array(size * size * 3);
  for (let p = 0; p < size * size; p++) {
    const n = Math.round((rng.float() * 2 - 1) * noise);
    for (let c = 0; c < 3; c++) pixels[p * 3 + c] = clampByte(rgb[c] + n);
  }
  return { size, pixels };
}

export function cloneCanvas(c: Canvas): Canvas {
  return { size: c.size, pixels: c.pixels.slice() };
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

type Inside = (x: number, y: number) => boolean;

/** Star polygon: 5 outer points at radius r, inner points at 0.45 r, first point up. */
function starPoints(r: number): [number, number][] {
  return Array.from({ length: 10 }, (_, i) => {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 === 0 ? r : 0.45 * r;
    return [rr * Math.cos(a), rr * Math.sin(a)];
  });
}

function insidePolygon(points: [number, number][]): Inside {
  return (x, y) => {
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [xi, yi] = points[i];
      const [xj, yj] = points[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}

/** Whether a point (relative to the shape's centre) is inside a shape of radius r. */
function shapeTest(shape: ShapeName, r: number): Inside {
  switch (shape) {
    case 'circle':
      return (x, y) => x * x + y * y <= r * r;
    case 'square':
      return (x, y) => Math.abs(x) <= 0.85 * r && Math.abs(y) <= 0.85 * r;
    case 'diamond':
      return (x, y) => Math.abs(x) + Math.abs(y) <= r;
    case 'triangle':
      return insidePolygon([
        [0, -r],
        [0.95 * r, 0.8 * r],
        [-0.95 * r, 0.8 * r],
      ]);
    case 'star':
      return insidePolygon(starPoints(r));
  }
}

const SUB = 4;

/** Fill `shape` of radius r centred at (cx, cy) (pixel units, pixel centres at +0.5) with `rgb`. */
export function drawShape(c: Canvas, shape: ShapeName, cx: number, cy: number, r: number, rgb: [number, number, number]): void {
  const inside = shapeTest(shape, r);
  const x0 = Math.max(0, Math.floor(cx - r - 1));
  const x1 = Math.min(c.size - 1, Math.ceil(cx + r + 1));
  const y0 = Math.max(0, Math.floor(cy - r - 1));
  const y1 = Math.min(c.size - 1, Math.ceil(cy + r + 1));
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      const cover = coverage(inside, px - cx, py - cy);
      if (cover > 0) blend(c, px, py, rgb, cover);
    }
  }
}

/** Fraction of the pixel whose top-left corner is (x, y) that lies inside. */
function coverage(inside: Inside, x: number, y: number): number {
  let n = 0;
  for (let sy = 0; sy < SUB; sy++) for (let sx = 0; sx < SUB; sx++) if (inside(x + (sx + 0.5) / SUB, y + (sy + 0.5) / SUB)) n++;
  return n / (SUB * SUB);
}

function blend(c: Canvas, x: number, y: number, rgb: [number, number, number], alpha: number): void {
  const i = (y * c.size + x) * 3;
  for (let k = 0; k < 3; k++) c.pixels[i + k] = Math.round(c.pixels[i + k] * (1 - alpha) + rgb[k] * alpha);
}
