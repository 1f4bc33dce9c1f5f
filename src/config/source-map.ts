// Where each value of a spec came from: a path inside the merged document (["stages", "a", "steps"])
// -> file:line:col, across included files and command-line overrides. Any later validation (a stage
// kind's schema, a model preset's fields) asks it for the position of the path it complains about.
import type { SourcePos } from '../util/errors.ts';

export type DocPath = (string | number)[];

const SEP = '\u0000';

function keyOf(path: DocPath): string {
  return path.map(String).join(SEP);
}

export class SourceMap {
  private readonly positions = new Map<string, SourcePos>();

  set(path: DocPath, pos: SourcePos): void {
    this.positions.set(keyOf(path), pos);
  }

  /** Whether the spec writes `path` itself (a value filled in later has no position of its own). */
  has(path: DocPath): boolean {
    return this.positions.has(keyOf(path));
  }

  /** The position of `path`, else of its nearest ancestor that has one, else nothing. */
  at(path: DocPath): SourcePos {
    for (let n = path.length; n >= 0; n--) {
      const pos = this.positions.get(keyOf(path.slice(0, n)));
      if (pos) return pos;
    }
    return {};
  }

  /** Forget the positions of `path`'s descendants (its value was replaced). */
  dropBelow(path: DocPath): void {
    const prefix = path.length === 0 ? '' : keyOf(path) + SEP;
    for (const key of [...this.positions.keys()]) if (key.startsWith(prefix) && key !== keyOf(path)) this.positions.delete(key);
  }

  /** Copy every position of `other` into this map; its positions win over ours. */
  merge(other: SourceMap): void {
    for (const [key, pos] of other.positions) this.positions.set(key, pos);
  }

  clone(): SourceMap {
    const copy = new SourceMap();
    copy.merge(this);
    return copy;
  }
}
