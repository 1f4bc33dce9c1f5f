// The sizes the synthetic family comes in (see sets.ts for the row counts of each).
import { unknownName } from '../names.ts';

export const SCALES = ['tiny', 'small', 'medium'] as const;
export type Scale = (typeof SCALES)[number];

export function checkScale(scale: string): Scale {
  if ((SCALES as readonly string[]).includes(scale)) return scale as Scale;
  throw unknownName('scale', scale, [...SCALES]);
}
