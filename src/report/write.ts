// `vadapter compare --out DIR`: report.html plus each metric's chart as SVG and PNG, written atomically.
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.ts';
import { chartSpec } from './chart.ts';
import type { Comparison } from './compare.ts';
import { reportHtml, type ChartFiles } from './html.ts';
import { renderSvg, svgToPng } from './render.ts';

export const REPORT_FILE = 'report.html';

/** A file name for a metric key: `vadapter/eval/coco/CIDEr` -> `vadapter-eval-coco-CIDEr`, unique within `taken`. */
export function metricSlug(key: string, taken: Set<string>): string {
  const base = key.replace(/[^A-Za-z0-9_.]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'metric';
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  taken.add(slug);
  return slug;
}

/** Write the report; returns the paths written, report.html first. */
export async function writeReport(dir: string, c: Comparison): Promise<string[]> {
  const taken = new Set<string>();
  const charts: ChartFiles[] = [];
  const written: string[] = [];
  for (const m of c.metrics) {
    const slug = metricSlug(m.key, taken);
    const svg = await renderSvg(chartSpec(m, c));
    const chart = { svg, svgFile: `${slug}.svg`, pngFile: `${slug}.png` };
    writeFileAtomic(join(dir, chart.svgFile), svg);
    writeFileAtomic(join(dir, chart.pngFile), svgToPng(svg));
    charts.push(chart);
    written.push(join(dir, chart.svgFile), join(dir, chart.pngFile));
  }
  writeFileAtomic(join(dir, REPORT_FILE), reportHtml(c, charts));
  return [join(dir, REPORT_FILE), ...written];
}
