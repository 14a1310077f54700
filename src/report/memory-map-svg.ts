import type { Finding } from '../findings/index.js';
import { count, hex32, rangeText } from '../numbers.js';
import type { Span } from '../image/spans.js';
import { percent, wrap } from '../cli/text.js';
import type { MapBand, MapRange, MemoryMap } from './memory-map.js';
import { escapeXml } from './markup.js';

/** Width of the picture in user units (CSS pixels at 100%). */
export const MAP_WIDTH = 1000;
const MARGIN = 16;
const BAR_WIDTH = MAP_WIDTH - 2 * MARGIN;
const BAR_HEIGHT = 30;
/** Monospace character width at the label size (11px), for fitting labels. */
const CHAR = 6.7;
const FONT = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace";

/** What the picture holds besides the bands and the legend: the standalone file has both, a report page lists the findings itself. */
export interface MapParts {
  readonly heading: boolean;
  readonly findings: boolean;
}

/** Section colours, by key; red is kept for what is dropped. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7', '#8cd17d', '#bab0ac'] as const;
const DROP_STRIPE = '#c0392b';
const SEVERITY_COLOURS = { error: '#c0392b', warning: '#d68910', info: '#2e86c1' } as const;

/** Words for why bytes were dropped, for hovers. */
const DROP_WHY = { 'outside-windows': 'outside every window', 'elf-headers': 'ELF/program headers, not firmware', padding: 'padding between sections' } as const;

/**
 * Draws the memory map as one standalone SVG document: each band to its own scale, broken-axis
 * marks between bands that do not touch, a magnified strip where the ranges are a small part of
 * their band, the findings as numbered pins at their addresses, `<title>` hovers on every
 * shape, and a legend. Every range is one `<rect class="range KIND">` carrying `data-start` and
 * `data-end` (hex), so that tests can check positions without a browser.
 */
export function memoryMapSvg(map: MemoryMap, parts: MapParts = { heading: true, findings: true }): string {
  const body: string[] = [];
  let y = 12;
  if (parts.heading) {
    body.push(text(MARGIN, y + 12, `Memory map: ${map.title}`, { size: 15, weight: 'bold', family: 'sans' }));
    y += 30;
  }
  map.bands.forEach((band, i) => {
    const previous = map.bands[i - 1];
    if (previous) {
      body.push(...axisBreak(previous, band, y));
      y += 30;
    }
    const drawn = bandSvg(band, map, y);
    body.push(...drawn.parts);
    y = drawn.bottom;
  });
  const legend = legendSvg(map, y + 16, parts.findings);
  body.push(...legend.parts);
  const height = Math.ceil(legend.bottom + 12);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="flashcut-map" viewBox="0 0 ${MAP_WIDTH} ${height}" width="${MAP_WIDTH}" height="${height}" role="img" aria-labelledby="flashcut-map-title">`,
    `<title id="flashcut-map-title">${escapeXml(`Memory map of ${map.title}: ${map.bands.map(bandSummary).join('; ')}`)}</title>`,
    defs(),
    `<rect width="${MAP_WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}

function bandSummary(band: MapBand): string {
  return band.kind === 'window'
    ? `${band.name} ${rangeText(band.start, band.end)} ${count(band.used ?? 0)} of ${count(band.end - band.start)} bytes used`
    : `${count(bytesOf(band.ranges))} bytes dropped at ${rangeText(band.start, band.end)} (${band.name})`;
}

function bandSvg(band: MapBand, map: MemoryMap, top: number): { parts: string[]; bottom: number } {
  const parts: string[] = [`<g class="band ${band.kind}" data-name="${escapeXml(band.name)}" data-start="${hex32(band.start)}" data-end="${hex32(band.end)}">`];
  const size = band.end - band.start;
  const heading = band.kind === 'window' ? band.name : `${band.name} (dropped)`;
  parts.push(
    text(MARGIN, top + 12, heading, { size: 13, weight: 'bold', family: 'sans', fill: band.kind === 'window' ? '#1b2631' : DROP_STRIPE }).replace(
      '</text>',
      `<tspan dx="10" font-family="${FONT}" font-size="11" font-weight="normal" fill="#555">${rangeText(band.start, band.end)}  ${count(size)} bytes</tspan></text>`,
    ),
  );
  const usage =
    band.kind === 'window'
      ? `used ${count(band.used ?? 0)} of ${count(size)} bytes (${usedPercent(band.used ?? 0, size)})`
      : `${count(bytesOf(band.ranges))} bytes dropped: ${band.note}`;
  parts.push(text(MAP_WIDTH - MARGIN, top + 12, usage, { anchor: 'end', fill: band.kind === 'window' ? '#1b2631' : DROP_STRIPE, weight: 'bold' }));

  const barTop = top + 34;
  const scale = scaler(band, 0, BAR_WIDTH);
  parts.push(
    `<rect class="band-bar" x="${MARGIN}" y="${barTop}" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" fill="${band.kind === 'window' ? '#f2f4f6' : '#fdf2f1'}" stroke="${band.kind === 'window' ? '#7f8c8d' : DROP_STRIPE}"${band.kind === 'dropped' ? ' stroke-dasharray="5 3"' : ''}><title>${escapeXml(`${band.name}: ${rangeText(band.start, band.end)}, ${count(size)} bytes; ${band.note}`)}</title></rect>`,
  );
  parts.push(...rangesSvg(band, band.ranges, scale, barTop, 'range', band.detail === undefined));
  parts.push(...pinsSvg(map, band, scale, barTop));
  let bottom = barTop + BAR_HEIGHT + 18;
  const zoomTop = bottom + 22;
  if (band.detail) {
    // The magnifier's funnel goes under the axis labels.
    const x0 = MARGIN + scale(band.detail.start);
    const x1 = MARGIN + Math.max(scale(band.detail.end), scale(band.detail.start) + 1.5);
    parts.push(
      `<polygon class="detail-link" points="${n(x0)},${barTop + BAR_HEIGHT} ${n(x1)},${barTop + BAR_HEIGHT} ${MAP_WIDTH - MARGIN},${zoomTop} ${MARGIN},${zoomTop}" fill="#d6e4f0" fill-opacity="0.6"/>`,
    );
  }
  parts.push(text(MARGIN, barTop + BAR_HEIGHT + 13, hex32(band.start), { fill: '#555' }));
  parts.push(text(MAP_WIDTH - MARGIN, barTop + BAR_HEIGHT + 13, hex32(band.end - 1), { anchor: 'end', fill: '#555' }));

  if (band.detail) {
    const detail = band.detail;
    const zoom = scaler(detail, 0, BAR_WIDTH);
    parts.push(
      `<rect class="detail-bar" x="${MARGIN}" y="${zoomTop}" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" fill="#ffffff" stroke="#7f8c8d" stroke-dasharray="2 2"><title>${escapeXml(`detail of ${band.name}: ${rangeText(detail.start, detail.end)}, ${count(detail.end - detail.start)} bytes`)}</title></rect>`,
    );
    parts.push(...rangesSvg(band, band.ranges, zoom, zoomTop, 'detail-range', true));
    parts.push(...pinsSvg(map, { ...band, ...detail }, zoom, zoomTop));
    parts.push(text(MARGIN, zoomTop + BAR_HEIGHT + 13, hex32(detail.start), { fill: '#555' }));
    parts.push(text(MAP_WIDTH / 2, zoomTop + BAR_HEIGHT + 13, `detail: ${count(detail.end - detail.start)} bytes`, { anchor: 'middle', fill: '#555' }));
    parts.push(text(MAP_WIDTH - MARGIN, zoomTop + BAR_HEIGHT + 13, hex32(detail.end - 1), { anchor: 'end', fill: '#555' }));
    bottom = zoomTop + BAR_HEIGHT + 18;
  }
  parts.push('</g>');
  return { parts, bottom };
}

/** Maps an address of `span` to an x offset from 0 to `width`. */
function scaler(span: Span, from: number, width: number): (address: number) => number {
  const size = span.end - span.start;
  return (address) => from + ((address - span.start) / size) * width;
}

function rangesSvg(band: MapBand, ranges: readonly MapRange[], scale: (a: number) => number, top: number, cls: string, labels: boolean): string[] {
  const parts: string[] = [];
  for (const r of ranges) {
    const x = MARGIN + scale(r.start);
    // A range too small for a pixel still shows as a sliver.
    const width = Math.max(scale(r.end) - scale(r.start), 1.5);
    const inset = r.kind === 'checksum' ? 0 : r.kind === 'fill' ? 4 : 2;
    parts.push(
      `<rect class="${cls} ${r.kind}" data-start="${hex32(r.start)}" data-end="${hex32(r.end)}" data-label="${escapeXml(r.label)}" x="${n(x)}" y="${top + inset}" width="${n(width)}" height="${BAR_HEIGHT - 2 * inset}" fill="${rangeFill(r)}"${r.kind === 'dropped' ? ` stroke="${DROP_STRIPE}" stroke-width="1"` : ''}><title>${escapeXml(hover(band, r))}</title></rect>`,
    );
    if (labels && r.kind !== 'fill' && width >= r.label.length * CHAR + 8) {
      const colour = r.kind === 'dropped' ? '#7b241c' : textOn(PALETTE[r.key % PALETTE.length] ?? '#000');
      const label = text(x + width / 2, top + BAR_HEIGHT / 2 + 4, r.label, { anchor: 'middle', fill: r.kind === 'checksum' ? '#fff' : colour, weight: 'bold' });
      // On the stripes of a dropped range, a white halo keeps the name readable.
      parts.push(r.kind === 'dropped' ? label.replace('<text ', '<text stroke="#ffffff" stroke-width="3" paint-order="stroke" ') : label);
    }
  }
  return parts;
}

function rangeFill(r: MapRange): string {
  if (r.kind === 'kept') return PALETTE[r.key % PALETTE.length] ?? '#000';
  if (r.kind === 'dropped') return `url(#drop-${r.key % PALETTE.length})`;
  if (r.kind === 'fill') return 'url(#fill)';
  return '#1b2631';
}

function hover(band: MapBand, r: MapRange): string {
  const where = `${rangeText(r.start, r.end)}, ${count(r.end - r.start)} bytes`;
  switch (r.kind) {
    case 'kept':
      return `${r.label} kept in ${band.name}: ${where} (${r.origin})`;
    case 'dropped':
      return `${r.label} dropped, ${DROP_WHY[r.reason ?? 'outside-windows']}${band.kind === 'dropped' ? ` (${band.name})` : ''}: ${where} (${r.origin})`;
    case 'fill':
      return `${r.label} added: ${where}`;
    case 'checksum':
      return `${r.label} written at ${where}`;
  }
}

/** The numbered pins of the findings whose address lies in the span drawn. */
function pinsSvg(map: MemoryMap, span: Span, scale: (a: number) => number, barTop: number): string[] {
  const parts: string[] = [];
  map.findings.forEach((f, i) => {
    if (f.address === undefined || f.address < span.start || f.address >= span.end) return;
    const x = MARGIN + scale(f.address);
    const colour = SEVERITY_COLOURS[f.severity];
    parts.push(
      `<g class="pin ${f.severity}" data-finding="${i + 1}" data-address="${hex32(f.address)}"><title>${escapeXml(`${i + 1}. ${f.severity} ${f.code} at ${hex32(f.address)}: ${f.summary}`)}</title>` +
        `<line x1="${n(x)}" y1="${barTop - 8}" x2="${n(x)}" y2="${barTop + BAR_HEIGHT}" stroke="${colour}" stroke-width="2"/>` +
        `<circle cx="${n(x)}" cy="${barTop - 10}" r="8" fill="${colour}"/>` +
        text(x, barTop - 6, String(i + 1), { anchor: 'middle', fill: '#fff', weight: 'bold', size: 11 }) +
        '</g>',
    );
  });
  return parts;
}

/** The broken-axis mark between two bands, saying how much of the address space is left out. */
function axisBreak(previous: MapBand, next: MapBand, top: number): string[] {
  const gap = next.start - previous.end;
  const words =
    gap > 0
      ? `axis broken: ${formatSize(gap)} not drawn (${rangeText(previous.end, next.start)})`
      : gap === 0
        ? `${next.name} continues at ${hex32(next.start)} (touching: one span)`
        : `${next.name} overlaps ${previous.name}`;
  const x = MARGIN + 10;
  const mid = top + 15;
  const parts = [`<g class="axis-break" data-gap="${gap}">`, `<line x1="${x}" y1="${top}" x2="${x}" y2="${top + 30}" stroke="#7f8c8d" stroke-width="1.5"${gap > 0 ? ' stroke-dasharray="3 3"' : ''}/>`];
  if (gap > 0) {
    for (const dy of [-3, 3]) parts.push(`<line x1="${x - 8}" y1="${mid + dy + 4}" x2="${x + 8}" y2="${mid + dy - 4}" stroke="#1b2631" stroke-width="2"/>`);
  }
  parts.push(text(x + 16, mid + 4, words, { fill: '#555' }), '</g>');
  return parts;
}

function legendSvg(map: MemoryMap, top: number, withFindings: boolean): { parts: string[]; bottom: number } {
  const parts: string[] = ['<g class="legend">', text(MARGIN, top + 12, 'Legend', { size: 13, weight: 'bold', family: 'sans' })];
  let y = top + 24;
  let x = MARGIN;
  const item = (swatch: string, label: string): void => {
    const width = 26 + label.length * CHAR + 18;
    if (x + width > MAP_WIDTH - MARGIN) {
      x = MARGIN;
      y += 20;
    }
    parts.push(swatch.replace(/\{x\}/g, String(x)).replace(/\{y\}/g, String(y)), text(x + 24, y + 11, label, {}));
    x += width;
  };
  const swatch = (fill: string, stroke = '#7f8c8d'): string => `<rect x="{x}" y="{y}" width="18" height="14" fill="${fill}" stroke="${stroke}"/>`;
  const kinds = new Set(map.bands.flatMap((b) => b.ranges.map((r) => r.kind)));
  map.keys.forEach((name, key) => {
    if (name.startsWith('fill (') || name.endsWith(' checksum')) return;
    item(swatch(PALETTE[key % PALETTE.length] ?? '#000'), name);
  });
  x = MARGIN;
  y += 22;
  if (kinds.has('dropped')) item(swatch('url(#drop-9)', DROP_STRIPE), 'dropped: not in the image (striped, in its section colour)');
  for (const name of map.keys.filter((k) => k.startsWith('fill ('))) item(swatch('url(#fill)'), `${name}: added by a transform`);
  for (const name of map.keys.filter((k) => k.endsWith(' checksum'))) item(swatch('#1b2631'), name);
  if (map.findings.some((f) => f.address !== undefined)) {
    item(`<circle cx="{x}" cy="{y}" r="7" fill="${SEVERITY_COLOURS.error}" transform="translate(9 7)"/>`, 'finding at its address (numbered as in the list below)');
  }
  y += 24;
  parts.push('</g>');
  return withFindings ? findingsSvg(map, parts, y) : { parts, bottom: y };
}

/** The findings listed under the legend, numbered as their pins. */
function findingsSvg(map: MemoryMap, parts: string[], top: number): { parts: string[]; bottom: number } {
  let y = top;
  if (map.findings.length === 0) {
    parts.push(text(MARGIN, y + 12, 'Findings: none', { size: 13, weight: 'bold', family: 'sans', fill: '#1e8449' }));
    return { parts, bottom: y + 20 };
  }
  parts.push(text(MARGIN, y + 12, `Findings (${map.findings.length})`, { size: 13, weight: 'bold', family: 'sans' }));
  y += 20;
  map.findings.forEach((f, i) => {
    findingText(f, i + 1).forEach((line, j) => {
      parts.push(text(MARGIN, y + 12, line, { fill: j === 0 ? SEVERITY_COLOURS[f.severity] : '#1b2631', weight: j === 0 ? 'bold' : undefined }));
      y += 16;
    });
    y += 4;
  });
  return { parts, bottom: y };
}

function findingText(f: Finding, number: number): string[] {
  const width = Math.floor((MAP_WIDTH - 2 * MARGIN) / CHAR);
  const at = f.address === undefined ? '' : ` at ${hex32(f.address)}`;
  return [
    `${number}. ${f.severity} ${f.code}${at}`,
    ...wrap(f.summary, width, '   '),
    ...wrap(f.fix, width, '   fix: ', '        '),
  ];
}

function defs(): string {
  const drops = PALETTE.map(
    (colour, i) =>
      `<pattern id="drop-${i}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${colour}" fill-opacity="0.35"/><rect width="2.5" height="6" fill="${DROP_STRIPE}"/></pattern>`,
  );
  return [
    '<defs>',
    ...drops,
    '<pattern id="fill" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="5" height="5" fill="#e5e8e8"/><rect width="1.5" height="5" fill="#7f8c8d"/></pattern>',
    '</defs>',
  ].join('\n');
}

interface TextStyle {
  readonly size?: number;
  readonly weight?: 'bold' | undefined;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly fill?: string;
  readonly family?: 'mono' | 'sans';
}

function text(x: number, y: number, content: string, style: TextStyle): string {
  const family = style.family === 'sans' ? "system-ui, 'DejaVu Sans', Arial, sans-serif" : FONT;
  return (
    `<text x="${n(x)}" y="${n(y)}" font-family="${family}" font-size="${style.size ?? 11}"` +
    (style.weight ? ` font-weight="${style.weight}"` : '') +
    (style.anchor && style.anchor !== 'start' ? ` text-anchor="${style.anchor}"` : '') +
    ` fill="${style.fill ?? '#1b2631'}">${escapeXml(content)}</text>`
  );
}

/** Black or white, whichever reads better on `colour` (#rrggbb). */
function textOn(colour: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(colour.slice(i, i + 2), 16));
  return 0.299 * (r ?? 0) + 0.587 * (g ?? 0) + 0.114 * (b ?? 0) > 150 ? '#1b2631' : '#ffffff';
}

/** `0.4%`; `<0.1%` rather than a `0.0%` that hides bytes. */
function usedPercent(used: number, size: number): string {
  const text = percent(used, size);
  return used > 0 && text === '0.0%' ? '<0.1%' : text;
}

function bytesOf(ranges: readonly Span[]): number {
  return ranges.reduce((sum, r) => sum + (r.end - r.start), 0);
}

/** `384 MiB`, `12 KiB`, `700 bytes`. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
    }
  }
  return `${count(bytes)} bytes`;
}

function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}
