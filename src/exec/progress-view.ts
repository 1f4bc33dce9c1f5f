// Live progress of running stages: on a terminal, one bar per active stage redrawn in place
// (step/total, loss, rate, ETA); otherwise a plain line per active stage every few seconds.
// Event lines (a stage started, finished, failed) print above the bars.

export interface ProgressOut {
  write(text: string): void;
  isTTY: boolean;
  columns?: number;
}

interface Active {
  label: string;
  total: number;
  step: number;
  fields: Record<string, number>;
  firstStep: number | null;
  firstAt: number;
}

const REDRAW_MS = 100;
const BAR_WIDTH = 20;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function formatNumber(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(3) : v.toPrecision(4);
}

/** `label  [#####-----]  120/400  30%  loss 0.1234  45.1 it/s  ETA 6.2s` */
export function formatProgress(a: { label: string; step: number; total: number; fields: Record<string, number> }, rate: number | null, bar: boolean): string {
  const frac = a.total > 0 ? Math.min(1, a.step / a.total) : 0;
  const filled = Math.round(frac * BAR_WIDTH);
  const parts = [a.label];
  if (bar) parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`);
  parts.push(`${a.step}/${a.total}`, `${Math.floor(frac * 100)}%`);
  for (const [k, v] of Object.entries(a.fields)) parts.push(`${k} ${formatNumber(v)}`);
  if (rate !== null && rate > 0) parts.push(`${rate >= 10 ? rate.toFixed(0) : rate.toFixed(2)} it/s`, `ETA ${formatDuration((a.total - a.step) / rate)}`);
  return parts.join('  ');
}

export class ProgressBoard {
  private readonly active = new Map<string, Active>();
  private drawn = 0;
  private lastDraw = 0;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: ProgressOut,
    plainEveryMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    if (!out.isTTY) this.timer = setInterval(() => this.printPlain(), plainEveryMs).unref();
  }

  start(key: string, label: string, total: number, step = 0): void {
    this.active.set(key, { label, total, step, fields: {}, firstStep: null, firstAt: this.now() });
    this.redraw(true);
  }

  update(key: string, step: number, total: number, fields: Record<string, number>): void {
    const a = this.active.get(key);
    if (!a) return;
    if (a.firstStep === null) Object.assign(a, { firstStep: step, firstAt: this.now() });
    Object.assign(a, { step, total, fields });
    this.redraw(false);
  }

  end(key: string): void {
    this.active.delete(key);
    this.redraw(true);
  }

  /** An event line, printed above the bars. */
  line(text: string): void {
    this.erase();
    this.out.write(`${text}\n`);
    this.draw();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.erase();
  }

  private rate(a: Active): number | null {
    const seconds = (this.now() - a.firstAt) / 1000;
    return a.firstStep === null || seconds <= 0 || a.step <= a.firstStep ? null : (a.step - a.firstStep) / seconds;
  }

  private printPlain(): void {
    for (const a of this.active.values()) this.out.write(`${formatProgress(a, this.rate(a), false)}\n`);
  }

  private redraw(force: boolean): void {
    if (!this.out.isTTY || (!force && this.now() - this.lastDraw < REDRAW_MS)) return;
    this.erase();
    this.draw();
  }

  private erase(): void {
    if (!this.out.isTTY || this.drawn === 0) return;
    this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private draw(): void {
    if (!this.out.isTTY) return;
    const width = (this.out.columns ?? 100) - 1;
    const lines = [...this.active.values()].map((a) => formatProgress(a, this.rate(a), true).slice(0, width));
    if (lines.length > 0) this.out.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
    this.lastDraw = this.now();
  }
}
