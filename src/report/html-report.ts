import { count, rangeText } from '../numbers.js';
import { describeInput, DROP_WORDS } from '../cli/inspect-view.js';
import { transformText } from '../cli/report.js';
import { percent } from '../cli/text.js';
import { buildMemoryMap, type MapRun } from './memory-map.js';
import { memoryMapSvg } from './memory-map-svg.js';
import { escapeXml } from './markup.js';

/** Styles of the report's parts, shared by the report file and the browser page. */
export const REPORT_CSS = `
.report { font: 15px/1.45 system-ui, 'DejaVu Sans', Arial, sans-serif; color: #1b2631; }
.report h2 { font-size: 1.15rem; margin: 1.4rem 0 0.5rem; }
.report .map { margin: 0.5rem 0; overflow-x: auto; }
.report .map svg { width: 100%; height: auto; min-width: 860px; display: block; }
.report table { border-collapse: collapse; width: 100%; margin: 0.3rem 0; font-size: 0.9rem; }
.report th, .report td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #d5dbdb; vertical-align: top; }
.report td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.report code, .report .addr { font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 0.88em; }
.report .addr { white-space: nowrap; }
.report .tables { overflow-x: auto; }
.report .finding { border-left: 4px solid #7f8c8d; padding: 0.4rem 0.8rem; margin: 0.6rem 0; background: #f8f9f9; }
.report .finding.error { border-color: #c0392b; }
.report .finding.warning { border-color: #d68910; }
.report .finding.info { border-color: #2e86c1; }
.report .finding .severity { font-weight: bold; text-transform: uppercase; font-size: 0.8rem; margin-right: 0.4rem; }
.report .finding.error .severity { color: #c0392b; }
.report .finding.warning .severity { color: #9a6207; }
.report .finding.info .severity { color: #21618c; }
.report .finding p { margin: 0.3rem 0; }
.report .fix { font-weight: 600; }
.report .none { color: #1e8449; font-weight: bold; }
`;

/**
 * The report's parts as an HTML fragment (no script): what was read, each window with its use,
 * the memory map (inline SVG), the dropped ranges, what the transforms added and the findings
 * with their fixes. All text is escaped.
 */
export function reportFragment(run: MapRun): string {
  const map = buildMemoryMap(run);
  const first = run.inputs[0];
  if (!first) throw new Error('a report needs an input');
  const image = run.image ?? first.analysis.selection.image;
  const parts: string[] = ['<div class="report">'];
  parts.push('<ul class="inputs">', ...run.inputs.map((i) => `<li><code>${escapeXml(i.path)}</code>: ${escapeXml(describeInput(i.analysis.input))}</li>`), '</ul>');
  parts.push(
    '<h2>Flash windows</h2><div class="tables"><table><thead><tr><th>window</th><th>range</th><th>size</th><th>used</th><th>%</th><th>source</th></tr></thead><tbody>',
    ...first.analysis.windows.map((w) => {
      const used = image.bytesIn(w.start, w.end);
      return `<tr><td>${escapeXml(w.name)}</td><td class="addr">${rangeText(w.start, w.end)}</td><td class="num">${count(w.end - w.start)}</td><td class="num">${count(used)}</td><td class="num">${percent(used, w.end - w.start)}</td><td>${escapeXml(w.source)}</td></tr>`;
    }),
    '</tbody></table></div>',
  );
  parts.push('<h2>Memory map</h2>', `<figure class="map">${memoryMapSvg(map, { heading: false, findings: false })}</figure>`);
  const dropped = run.inputs.flatMap((i) => i.analysis.selection.dropped.map((d) => ({ ...d, origin: run.inputs.length > 1 ? `${i.path} ${d.origin}` : d.origin })));
  if (dropped.length > 0) {
    parts.push(
      '<h2>Dropped</h2><div class="tables"><table><thead><tr><th>origin</th><th>range</th><th>bytes</th><th>why</th><th>sections</th></tr></thead><tbody>',
      ...dropped.map(
        (d) =>
          `<tr><td>${escapeXml(d.origin)}</td><td class="addr">${rangeText(d.start, d.end)}</td><td class="num">${count(d.end - d.start)}</td><td>${DROP_WORDS[d.reason]}</td><td><code>${escapeXml(d.sections.join(' '))}</code></td></tr>`,
      ),
      '</tbody></table></div>',
    );
  }
  const transforms = run.transforms ?? [];
  if (transforms.length > 0) parts.push('<h2>Added</h2><ul>', ...transforms.map((t) => `<li>${escapeXml(transformText(t))}</li>`), '</ul>');
  parts.push(`<h2>Findings${map.findings.length > 0 ? ` (${map.findings.length})` : ''}</h2>`);
  if (map.findings.length === 0) parts.push('<p class="none">none</p>');
  map.findings.forEach((f, i) => {
    parts.push(
      `<div class="finding ${f.severity}" id="finding-${i + 1}"><p><span class="severity">${i + 1}. ${f.severity}</span><code>${escapeXml(f.code)}</code></p>`,
      `<p>${escapeXml(f.message)}</p><p class="fix">fix: ${escapeXml(f.fix)}</p></div>`,
    );
  });
  parts.push('</div>');
  return parts.join('\n');
}

/**
 * The report as one self-contained HTML file: inline CSS and SVG, no script, no external
 * resource (its Content-Security-Policy forbids loading any).
 */
export function reportHtml(run: MapRun): string {
  const title = `flashcut report: ${run.inputs.map((i) => i.path).join(' + ')}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeXml(title)}</title>`,
    `<style>body { margin: 0; background: #fff; } main { max-width: 1060px; margin: 0 auto; padding: 1rem; } h1 { font: bold 1.4rem system-ui, 'DejaVu Sans', Arial, sans-serif; }${REPORT_CSS}</style>`,
    '</head>',
    '<body><main>',
    `<h1>${escapeXml(title)}</h1>`,
    reportFragment(run),
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}
