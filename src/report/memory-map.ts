import type { Finding } from '../findings/index.js';
import { sectionLabel, sectionLoadRange } from '../read/elf/model.js';
import { ramAt } from '../findings/regions.js';
import { intersectSpans, mergeSpans, subtractSpans, type Span } from '../image/spans.js';
import type { MemoryImage } from '../image/memory-image.js';
import type { Analysis } from '../pipeline/inspect.js';
import type { DropReason } from '../select/select.js';
import type { TransformRecord } from '../transform/transforms.js';
import type { FlashWindow } from '../windows/window.js';

/**
 * The memory map as a picture sees it: the flash windows and the areas where dropped bytes
 * would have gone, in address order, each with the ranges it holds. Pure data, drawn by
 * memory-map-svg.ts; all ranges are half-open [start, end).
 */
export interface MemoryMap {
  /** The input(s), for the title. */
  readonly title: string;
  readonly bands: readonly MapBand[];
  /** Every finding of the inputs, numbered from 1 in this order; `address` places a pin. */
  readonly findings: readonly Finding[];
  /** Section (or origin) names in the order their colours are assigned. */
  readonly keys: readonly string[];
}

/** A stretch of the address axis drawn to its own scale: a flash window, or where dropped bytes lie. */
export interface MapBand {
  /** `window`: a flash window; `dropped`: an area outside every window (a RAM region, or none). */
  readonly kind: 'window' | 'dropped';
  /** FLASH; SRAM; `outside every window`. */
  readonly name: string;
  /** What the band is: the window's source, or `RAM region (not a flash window)`. */
  readonly note: string;
  readonly start: number;
  readonly end: number;
  /** Bytes of the written image inside a window band (undefined for a dropped band). */
  readonly used: number | undefined;
  readonly ranges: readonly MapRange[];
  /** The part worth a magnified strip, when the ranges fill little of the band. */
  readonly detail: Span | undefined;
}

/** What a range of the map is: bytes kept, file bytes dropped, fill a transform added, a checksum written. */
export type RangeKind = 'kept' | 'dropped' | 'fill' | 'checksum';

export interface MapRange {
  readonly kind: RangeKind;
  readonly start: number;
  readonly end: number;
  /** The section (or origin) the bytes belong to: `.text`, `segment 2`, `app.hex lines 3-40`, `fill (--align 32)`. */
  readonly label: string;
  /** Index into MemoryMap.keys: the colour of kept and dropped ranges. */
  readonly key: number;
  /** Why dropped bytes were dropped. */
  readonly reason?: DropReason;
  /** Where the range comes from: `segment 4`, `pad-window FLASH`, ... */
  readonly origin: string;
}

/** The inputs of one run, as the map draws them. */
export interface MapRun {
  readonly inputs: readonly { readonly path: string; readonly analysis: Analysis }[];
  /** The bytes written (after the transforms); default: the first input's kept bytes. */
  readonly image?: MemoryImage | undefined;
  readonly transforms?: readonly TransformRecord[] | undefined;
}

/** Ranges filling less of their band than this get a magnified strip. */
const DETAIL_BELOW = 0.4;
/** Dropped ranges further apart than this (and than 16 times their spread) get bands of their own. */
const CLUSTER_GAP = 0x10_0000;

/**
 * Works out the map of a run: one band per flash window (its kept ranges by section, the
 * dropped padding and ELF headers inside it, the fill and checksums of the transforms) and one
 * per cluster of dropped bytes outside the windows, named after the RAM region that holds it.
 */
export function buildMemoryMap(run: MapRun): MemoryMap {
  const first = run.inputs[0];
  if (!first) throw new Error('a memory map needs an input');
  const windows = first.analysis.windows;
  const image = run.image ?? first.analysis.selection.image;
  const keys = new Keys();
  const several = run.inputs.length > 1;
  const kept: MapRange[] = [];
  const dropped: MapRange[] = [];
  for (const { path, analysis } of run.inputs) {
    const prefix = several ? `${path} ` : '';
    const pieces = sectionPieces(analysis);
    for (const k of analysis.selection.kept) kept.push(...labelled(k, 'kept', pieces, keys, prefix));
    for (const d of analysis.selection.dropped) dropped.push(...labelled(d, 'dropped', pieces, keys, prefix).map((r) => ({ ...r, reason: d.reason })));
  }
  const added = (run.transforms ?? []).flatMap((t) => transformRanges(t, keys));
  const inWindows = mergeSpans(windows);
  const outside = dropped.filter((d) => intersectSpans([d], inWindows).length === 0);
  const inside = [...kept, ...dropped.filter((d) => !outside.includes(d)), ...added];

  const bands: MapBand[] = windows.map((w) => windowBand(w, inside, image));
  for (const group of dropAreas(outside, first.analysis)) bands.push(group);
  bands.sort((a, b) => a.start - b.start || a.end - b.end);
  return {
    title: run.inputs.map((i) => i.path).join(' + '),
    bands,
    findings: run.inputs.flatMap((i) => i.analysis.findings),
    keys: keys.names,
  };
}

/** Colour keys by first appearance, so that a section has one colour wherever it shows. */
class Keys {
  readonly names: string[] = [];
  of(name: string): number {
    const at = this.names.indexOf(name);
    if (at >= 0) return at;
    this.names.push(name);
    return this.names.length - 1;
  }
}

interface Placed {
  readonly segment: number;
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** Every allocated, non-empty section at its load address, by segment. */
function sectionPieces(analysis: Analysis): Placed[] {
  return (analysis.elf?.loadSegments ?? []).flatMap((segment) =>
    segment.sections
      .filter((s) => s.size > 0)
      .map((s) => ({ segment: segment.index, name: sectionLabel(s), ...sectionLoadRange(segment, s) })),
  );
}

/** A kept or dropped range cut at its sections' edges; bytes no section covers keep the range's origin. */
function labelled(
  range: { readonly origin: string; readonly segment?: number | undefined; readonly start: number; readonly end: number },
  kind: 'kept' | 'dropped',
  placed: readonly Placed[],
  keys: Keys,
  prefix: string,
): MapRange[] {
  const origin = prefix + range.origin;
  const mine = placed.filter((p) => p.segment === range.segment && p.start < range.end && p.end > range.start);
  const out: MapRange[] = [];
  const covered: Span[] = [];
  for (const p of mine) {
    for (const part of subtractSpans(intersectSpans([range], [p]), covered)) {
      out.push({ kind, start: part.start, end: part.end, label: prefix + p.name, key: keys.of(prefix + p.name), origin });
      covered.push(part);
    }
  }
  for (const part of subtractSpans([range], covered)) {
    // An image input's pieces (HEX lines, a BIN) share one colour: the file.
    const label = range.segment === undefined ? prefix + (range.origin.split(' ')[0] ?? range.origin) : origin;
    out.push({ kind, start: part.start, end: part.end, label, key: keys.of(label), origin });
  }
  return out.sort((a, b) => a.start - b.start);
}

function transformRanges(t: TransformRecord, keys: Keys): MapRange[] {
  if (t.kind === 'checksum') {
    const label = `${t.algorithm} checksum`;
    return [{ kind: 'checksum', start: t.address, end: t.address + 4, label, key: keys.of(label), origin: `--crc ${t.algorithm}` }];
  }
  const origin = t.kind === 'pad-window' ? `pad-window ${t.window}` : t.kind === 'align' ? `align ${t.unit}` : 'fill-gaps';
  const label = `fill (--${origin})`;
  return t.added.map((s) => ({ kind: 'fill' as const, start: s.start, end: s.end, label, key: keys.of(label), origin: `--${origin}` }));
}

function windowBand(w: FlashWindow, ranges: readonly MapRange[], image: MemoryImage): MapBand {
  const mine = ranges
    .flatMap((r) => intersectSpans([r], [w]).map((part) => ({ ...r, start: part.start, end: part.end })))
    .sort((a, b) => a.start - b.start || kindOrder(a.kind) - kindOrder(b.kind));
  return { kind: 'window', name: w.name, note: w.source, start: w.start, end: w.end, used: image.bytesIn(w.start, w.end), ranges: mine, detail: detailOf(mine, w) };
}

/** Checksums are drawn over the fill or bytes they overwrite. */
function kindOrder(kind: RangeKind): number {
  return kind === 'checksum' ? 1 : 0;
}

/** Dropped ranges outside the windows, grouped by the RAM region holding them and by closeness. */
function dropAreas(outside: readonly MapRange[], analysis: Analysis): MapBand[] {
  const sorted = [...outside].sort((a, b) => a.start - b.start);
  const groups: { name: string; ram: boolean; ranges: MapRange[]; start: number; end: number }[] = [];
  for (const r of sorted) {
    const region = ramAt(analysis.ram, analysis.windows, r.start);
    const name = region?.name ?? 'outside every window';
    const last = groups[groups.length - 1];
    const gap = last ? r.start - last.end : Infinity;
    if (last && last.name === name && gap <= Math.max(CLUSTER_GAP, 16 * (last.end - last.start))) {
      last.ranges.push(r);
      last.end = Math.max(last.end, r.end);
    } else {
      groups.push({ name, ram: region !== undefined, ranges: [r], start: r.start, end: r.end });
    }
  }
  return groups.map((g) => ({
    kind: 'dropped',
    name: g.name,
    note: g.ram ? 'RAM region: dropped, not programmed' : 'no flash window and no RAM region: dropped, not programmed',
    start: g.start,
    end: g.end,
    used: undefined,
    ranges: g.ranges,
    detail: detailOf(g.ranges, g),
  }));
}

/** The stretch from the first to the last range, when it is a small part of the band. */
function detailOf(ranges: readonly Span[], band: Span): Span | undefined {
  const first = ranges[0];
  if (!first) return undefined;
  const start = first.start;
  const end = Math.max(...ranges.map((r) => r.end));
  return end - start < DETAIL_BELOW * (band.end - band.start) ? { start, end } : undefined;
}
