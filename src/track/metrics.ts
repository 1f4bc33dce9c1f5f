// Metrics: (fingerprint, key, step) -> value, written in batches. The key is unique, so a stage
// that resumes from a checkpoint and replays steps overwrites its earlier values instead of
// duplicating them. NaN is stored as NULL.
import type { Db } from './db.ts';

export interface MetricPoint {
  key: string;
  step: number;
  value: number;
  wallTime: number; // unix seconds
}

export class MetricWriter {
  private pending: MetricPoint[] = [];
  private readonly last = new Map<string, { step: number; value: number }>();

  constructor(
    private readonly db: Db,
    private readonly fingerprint: string,
    private readonly batchRows = 500,
  ) {}

  log(step: number, values: Record<string, number>): void {
    const wallTime = Date.now() / 1000;
    for (const [key, value] of Object.entries(values)) {
      this.pending.push({ key, step, value, wallTime });
      this.last.set(key, { step, value });
    }
    if (this.pending.length >= this.batchRows) this.flush();
  }

  /** The latest value logged for `key` (by this writer), if any. */
  latest(key: string): { step: number; value: number } | undefined {
    return this.last.get(key);
  }

  /** Write everything pending in one short transaction. */
  flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    writeMetrics(this.db, this.fingerprint, rows);
  }
}

export function writeMetrics(db: Db, fingerprint: string, rows: MetricPoint[]): void {
  const upsert = db.prepare(`INSERT INTO metrics (fingerprint, key, step, value, wall_time) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (fingerprint, key, step) DO UPDATE SET value = excluded.value, wall_time = excluded.wall_time`);
  db.transaction(() => {
    for (const r of rows) upsert.run(fingerprint, r.key, r.step, Number.isNaN(r.value) ? null : r.value, r.wallTime);
  })();
}

/** One metric's values in step order. */
export function metricSeries(db: Db, fingerprint: string, key: string): { step: number; value: number | null }[] {
  return db.prepare('SELECT step, value FROM metrics WHERE fingerprint = ? AND key = ? ORDER BY step').all(fingerprint, key) as { step: number; value: number | null }[];
}

/** The value of each key at its highest step. */
export function latestMetrics(db: Db, fingerprint: string): Record<string, number | null> {
  const rows = db.prepare(`SELECT m.key, m.value FROM metrics m JOIN (SELECT key, MAX(step) AS step FROM metrics WHERE fingerprint = ? GROUP BY key) t
    ON t.key = m.key AND t.step = m.step WHERE m.fingerprint = ?`).all(fingerprint, fingerprint) as { key: string; value: number | null }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}
