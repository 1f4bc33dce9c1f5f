// report.html: one self-contained page (inline SVG charts, inline CSS, no scripts, nothing fetched):
// per metric its chart, caption, table and references; then each arm with its runs, seeds, overrides and spec.
import { stringify } from 'yaml';
import type { ArmDescription, Comparison } from './compare.ts';
import { metricCaption, referenceLines, selectionSummary, TABLE_HEADER, tableCells } from './table-text.ts';

export interface ChartFiles {
  svg: string; // the SVG text, inlined
  svgFile: string; // file names beside report.html
  pngFile: string;
}

const STYLE = `body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ddd}table{border-collapse:collapse;margin:1em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}
figure{margin:1em 0}figcaption{font-size:.9em;color:#555}pre{background:#f7f7f7;padding:.8em;overflow:auto;font-size:.85em}
.meta,.notes{color:#555}.reference{font-size:.9em;color:#333;margin:.2em 0}`;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function table(header: string[], rows: string[][]): string {
  const tr = (cells: string[], tag: string) => `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  return `<table><thead>${tr(header, 'th')}</thead><tbody>${rows.map((r) => tr(r, 'td')).join('')}</tbody></table>`;
}

/** An SVG to inline as the page's `n`-th chart: its ids (Vega's clip paths: clip1, clip2, ...) made unique on the page. */
export function inlineSvg(svg: string, n: number): string {
  return svg.replace(/(\bid="|url\(#)([^")]+)/g, `$1chart${n}-$2`);
}

function metricSection(c: Comparison, i: number, chart: ChartFiles): string {
  const m = c.metrics[i];
  const links = `<a href="${escapeHtml(chart.svgFile)}">SVG</a>, <a href="${escapeHtml(chart.pngFile)}">PNG</a>`;
  return `<section class="metric" data-metric="${escapeHtml(m.key)}"><h2>${escapeHtml(m.key)}</h2>
<figure>${inlineSvg(chart.svg, i + 1)}<figcaption>${escapeHtml(metricCaption(m, c))}. ${links}</figcaption></figure>
${table(TABLE_HEADER, tableCells(m))}${referenceLines(m).map((l) => `<p class="reference">${escapeHtml(l)}</p>`).join('')}</section>`;
}

function armSection(a: ArmDescription): string {
  const members = a.members.map((m) => [m.runId, String(m.trial), m.label || '-', String(m.seed), m.fingerprint.slice(0, 12), m.status]);
  const overrides = a.runOverrides.length > 0 ? a.runOverrides.join(' ') : 'none';
  const group = Object.entries(a.group).map(([k, v]) => `${k}=${v}`).join(' ') || 'none';
  return `<section class="arm"><h3>${escapeHtml(a.name)}</h3>
<p>stage <code>${escapeHtml(a.stage)}</code> (${escapeHtml(a.kind)}); group: <code>${escapeHtml(group)}</code>; run overrides: <code>${escapeHtml(overrides)}</code></p>
${table(['run', 'trial', 'trial label', 'seed', 'output', 'status'], members)}
<details open><summary>stage spec</summary><pre>${escapeHtml(stringify(a.stageSpec ?? null))}</pre></details>
<details><summary>resolved experiment spec (first seed)</summary><pre>${escapeHtml(stringify(a.spec))}</pre></details></section>`;
}

export function reportHtml(c: Comparison, charts: ChartFiles[]): string {
  const title = `vadapter compare: ${c.experiment ?? c.runs.join(', ')}`;
  const notes = c.notes.length > 0 ? `<ul class="notes">${c.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1><p class="meta">${escapeHtml(selectionSummary(c))}</p>${notes}
${c.metrics.map((_, i) => metricSection(c, i, charts[i])).join('\n')}
<h2>Arms</h2>
${c.arms.map(armSection).join('\n')}
</body></html>
`;
}
