// Edges and artifacts: which checkpoint each stage output started from ("stage2 started from
// stage1 at step S, sha256 H"), and the other files a stage produced (predictions, reports).
import { nowIso, type Db } from './db.ts';

export interface Edge {
  fingerprint: string; // the downstream output
  stageId: number | null;
  role: string;
  upstreamStage: string;
  upstreamFingerprint: string;
  step: number | null;
  sha256: string | null;
  path: string | null; // relative to the root
}

export function recordEdges(db: Db, edges: Edge[]): void {
  const upsert = db.prepare(`INSERT INTO edges (fingerprint, stage_id, role, upstream_stage, upstream_fingerprint, step, sha256, path, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fingerprint, role) DO UPDATE SET stage_id = excluded.stage_id, upstream_stage = excluded.upstream_stage,
    upstream_fingerprint = excluded.upstream_fingerprint, step = excluded.step, sha256 = excluded.sha256, path = excluded.path`);
  db.transaction(() => {
    for (const e of edges) upsert.run(e.fingerprint, e.stageId, e.role, e.upstreamStage, e.upstreamFingerprint, e.step, e.sha256, e.path, nowIso());
  })();
}

export function edgesInto(db: Db, fingerprint: string): Edge[] {
  const rows = db.prepare('SELECT * FROM edges WHERE fingerprint = ? ORDER BY role').all(fingerprint) as {
    fingerprint: string; stage_id: number | null; role: string; upstream_stage: string; upstream_fingerprint: string; step: number | null; sha256: string | null; path: string | null;
  }[];
  return rows.map((r) => ({ fingerprint: r.fingerprint, stageId: r.stage_id, role: r.role, upstreamStage: r.upstream_stage, upstreamFingerprint: r.upstream_fingerprint, step: r.step, sha256: r.sha256, path: r.path }));
}

/** (fingerprint, step) pairs that some downstream output started from: retention keeps them. */
export function referencedCheckpoints(db: Db): Set<string> {
  const rows = db.prepare('SELECT DISTINCT upstream_fingerprint AS fp, step FROM edges WHERE step IS NOT NULL').all() as { fp: string; step: number }[];
  return new Set(rows.map((r) => `${r.fp}@${r.step}`));
}

export function recordArtifact(db: Db, a: { fingerprint: string; name: string; path: string; sha256: string; bytes: number }): void {
  db.prepare(`INSERT INTO artifacts (fingerprint, name, path, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (fingerprint, name) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, bytes = excluded.bytes, created_at = excluded.created_at`)
    .run(a.fingerprint, a.name, a.path, a.sha256, a.bytes, nowIso());
}
