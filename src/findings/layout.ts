import { SHT_NOBITS } from '../read/elf/constants.js';
import type { ElfFile, LoadSegment } from '../read/elf/types.js';
import type { DroppedRange } from '../select/select.js';
import { intersectSpans, mergeSpans, subtractSpans, type Span } from '../image/spans.js';
import { count, fewNames, hex, hex32, rangeText } from '../numbers.js';
import { namesText, type CheckContext } from './context.js';
import { sectionLabel, sectionLoadAddress, sectionLoadRange, segmentLoadRange, structureLoadSpans } from '../read/elf/model.js';
import { CORTEX_M_SRAM_REGION, ramAt, regionAt } from './regions.js';
import type { Finding } from './types.js';

/** Segments whose file bytes load outside every flash window: what a flash-only programmer refuses. */
export function loadOutsideWindows(ctx: CheckContext): Finding[] {
  return [...outsideFirmware(ctx)].map(([index, ranges]) => {
    const segment = segmentOf(ctx, index);
    const bytes = ranges.reduce((sum, r) => sum + (r.end - r.start), 0);
    const first = ranges[0] as DroppedRange;
    const last = ranges[ranges.length - 1] as DroppedRange;
    const names = [...new Set(ranges.flatMap((r) => r.sections))];
    const ram = regionAt(ctx.ram, first.start);
    const where = `${rangeText(first.start, last.end)}${ram ? ` (${ram === CORTEX_M_SRAM_REGION ? 'RAM' : `RAM: ${ram.name}`})` : ''}`;
    const named = new Set(names);
    const sections = segment?.sections.filter((s) => named.has(sectionLabel(s))) ?? [];
    const withContents = sections.filter((s) => s.hasContents).map(sectionLabel);
    const zeroFilled = sections.filter((s) => s.type === SHT_NOBITS).map(sectionLabel);
    const fix = !ram
      ? `if ${namesText(names)} belongs in flash, give a window that covers ${rangeText(first.start, last.end)} ` +
        '(options.windows, or its region with options.linkerScript and options.ldRegions); otherwise mark it (NOLOAD) or place it in a flash region in the linker script'
      : withContents.length > 0
        ? `in the linker script, give ${fewNames(withContents)} a load address in flash ('>RAM AT> FLASH', or move its input ` +
          `sections into .data, which the start-up code copies), or mark it (NOLOAD) if nothing needs its contents` +
          (zeroFilled.length > 0 ? `; then ${fewNames(zeroFilled)} no longer need file bytes` : '')
        : `mark ${names.length > 0 ? fewNames(names) : 'the sections'} (NOLOAD) in the linker script, or move them into a flash region`;
    return {
      code: 'load-outside-windows',
      severity: 'warning',
      summary: `segment ${index} loads ${count(bytes)} bytes at ${where}, outside every flash window: ${namesText(names)}`,
      message:
        `segment ${index} loads ${count(bytes)} file bytes at ${where}, outside every flash window; it holds ${namesText(names)}. ` +
        'flashcut leaves these bytes out, but a flash-only programmer such as the STM32 USB DFU boot loader rejects this ELF, ' +
        'and objcopy -O binary fills the whole gap up to them.',
      fix,
      segment: index,
      sections: names,
      address: first.start,
    } satisfies Finding;
  });
}

/** Sections with contents that run in RAM and load there too: nothing copies them from flash (a missing `AT> FLASH`). */
export function ramSectionWithoutAt(ctx: CheckContext): Finding[] {
  if (ctx.ram.length === 0) return [];
  const found: Finding[] = [];
  for (const segment of ctx.elf.loadSegments) {
    for (const section of segment.sections) {
      if (!section.hasContents || sectionLoadAddress(segment, section) !== section.vma) continue;
      const ram = ramAt(ctx.ram, ctx.selection.windows, section.vma);
      if (!ram) continue;
      const name = sectionLabel(section);
      found.push({
        code: 'ram-section-without-at',
        severity: 'error',
        summary: `${name} (${count(section.size)} bytes) runs in RAM at ${hex32(section.vma)} and has no load address in flash`,
        message:
          `section ${name} (${count(section.size)} bytes, segment ${segment.index}) runs at ${hex32(section.vma)} in RAM ` +
          `(${ram.name}, ${ram.source}) and its load address is the same, so its contents exist only in the ELF: ` +
          'nothing in flash holds them for the start-up code to copy, and after a flash-only download they are missing.',
        fix: `in the linker script, place ${name} with '>RAM AT> FLASH' (or move its input sections into .data)`,
        segment: segment.index,
        sections: [name],
        address: section.vma,
      });
    }
  }
  return found;
}

/** The ELF header or program header table inside a loadable segment's file bytes (GNU ld does this when there is room). */
export function headersInSegment(ctx: CheckContext): Finding[] {
  return ctx.elf.loadSegments.flatMap((segment) => {
    const swept = structureLoadSpans(ctx.elf, segment);
    const first = swept[0];
    if (!first) return [];
    const bytes = swept.reduce((sum, s) => sum + (s.end - s.start), 0);
    const at = first.start;
    const outside = subtractSpans(swept, mergeSpans(ctx.selection.windows)).length > 0;
    return [
      {
        code: 'headers-in-segment',
        severity: 'warning',
        summary: `segment ${segment.index} holds ${count(bytes)} bytes of ELF/program headers at ${hex32(at)}`,
        message:
          `segment ${segment.index} starts at file offset ${hex(segment.fileOffset)} and so holds ${count(bytes)} bytes of the ` +
          `ELF header and program header table, loading at ${hex32(at)}${outside ? ' (outside the flash windows, in part or whole)' : ''}. ` +
          'flashcut drops them, but objcopy and programmers that write whole segments put them into memory in front of your firmware.',
        fix:
          'in the linker script, start the first output section at the origin of its memory region (GNU ld sweeps the headers ' +
          'into the first segment when they fit in front of it), or declare PHDRS without FILEHDR and PHDRS',
        segment: segment.index,
        address: at,
      } satisfies Finding,
    ];
  });
}

/**
 * Sections of different segments (or of one) loading to, or running at, the same addresses.
 * Decided from the sections, not the program headers: GNU ld gives a NOBITS segment a memsz
 * that spans other segments, and sweeps the ELF headers in front of `.bss`, neither of which
 * puts two things in one place. Only different bytes loading to one address are an error; bytes
 * loaded twice alike, and sections sharing run addresses (an overlay, as armlink links
 * applications that share RAM), are a warning. A file without section headers is judged by its
 * segments' file bytes and memory sizes.
 */
export function segmentOverlap(ctx: CheckContext): Finding[] {
  const { load, run } = placedRanges(ctx.elf);
  const groups = new Map<string, OverlapGroup>();
  for (const [kind, ranges] of [['load', load], ['run', run]] as const) {
    for (const [a, b, span] of overlaps(ranges)) {
      const [first, second] = a.segment.index <= b.segment.index ? [a, b] : [b, a];
      const key = `${kind} ${first.segment.index} ${second.segment.index}`;
      const group = groups.get(key) ?? { kind, a: first.segment, b: second.segment, spans: [], names: new Set<string>(), differ: false };
      group.spans.push(span);
      for (const r of [first, second]) if (r.name !== undefined) group.names.add(r.name);
      group.differ ||= kind === 'load' && !sameBytes(ctx.elf, first, second, span);
      groups.set(key, group);
    }
  }
  return [...groups.values()].map(describeOverlap);
}

interface PlacedRange {
  readonly segment: LoadSegment;
  /** The section's name; undefined when judged by segment. */
  readonly name: string | undefined;
  readonly start: number;
  readonly end: number;
  /** File offset of the byte at `start`, for ranges with file bytes. */
  readonly fileOffset: number | undefined;
}

interface OverlapGroup {
  readonly kind: 'load' | 'run';
  readonly a: LoadSegment;
  readonly b: LoadSegment;
  readonly spans: Span[];
  readonly names: Set<string>;
  differ: boolean;
}

/** Load ranges of what has file bytes, run ranges of everything allocated: by section, each section once. */
function placedRanges(elf: ElfFile): { load: PlacedRange[]; run: PlacedRange[] } {
  const load: PlacedRange[] = [];
  const run: PlacedRange[] = [];
  if (elf.sections.length === 0) {
    for (const s of elf.loadSegments) {
      load.push({ segment: s, name: undefined, ...segmentLoadRange(s), fileOffset: s.fileOffset });
      run.push({ segment: s, name: undefined, start: s.vma, end: s.vma + s.memSize, fileOffset: undefined });
    }
    return { load, run };
  }
  const seen = new Set<number>();
  for (const segment of elf.loadSegments) {
    for (const section of segment.sections) {
      if (section.size === 0 || seen.has(section.index)) continue;
      seen.add(section.index);
      const name = sectionLabel(section);
      run.push({ segment, name, start: section.vma, end: section.vma + section.size, fileOffset: undefined });
      if (!section.hasContents) continue;
      load.push({ segment, name, ...sectionLoadRange(segment, section), fileOffset: section.fileOffset });
    }
  }
  return { load, run };
}

/** Whether two ranges with file bytes hold the same bytes where they overlap. */
function sameBytes(elf: ElfFile, a: PlacedRange, b: PlacedRange, span: Span): boolean {
  if (a.fileOffset === undefined || b.fileOffset === undefined) return false;
  const bytesOf = (r: PlacedRange) => elf.source.read((r.fileOffset as number) + (span.start - r.start), span.end - span.start);
  const x = bytesOf(a);
  const y = bytesOf(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function describeOverlap(g: OverlapGroup): Finding {
  const spans = mergeSpans(g.spans);
  const first = spans[0] as Span;
  const last = spans[spans.length - 1] as Span;
  const bytes = spans.reduce((sum, s) => sum + (s.end - s.start), 0);
  const who = g.a === g.b ? `two sections of segment ${g.a.index}` : `segments ${g.a.index} and ${g.b.index}`;
  const names = [...g.names];
  const what = names.length > 0 ? `sections ${namesText(names)} (${g.a === g.b ? `segment ${g.a.index}` : who})` : who;
  const where = `${count(bytes)} bytes at ${spans.length === 1 ? rangeText(first.start, first.end) : `${count(spans.length)} ranges in ${rangeText(first.start, last.end)}`}`;
  const why =
    g.kind === 'run'
      ? 'at run time only one of them can be in use at a time: an overlay (armlink links applications that share RAM so), or, if they are meant to live together, one overwrites the other.'
      : g.differ
        ? 'with different bytes: one overwrites the other when they are programmed.'
        : 'with the same bytes, so the image is the same whichever is programmed last; the duplicate costs programming time only.';
  return {
    code: 'segment-overlap',
    severity: g.differ ? 'error' : 'warning',
    summary: `${who} ${g.kind === 'load' ? 'load to' : 'run at'} the same addresses ${rangeText(first.start, last.end)}`,
    message: `${what} ${g.kind === 'load' ? 'load to' : 'run at'} the same ${where}: ${why}`,
    fix:
      g.kind === 'run'
        ? 'nothing if this is an overlay; otherwise check the linker script for two output sections placed in the same memory'
        : 'check the linker script for two output sections placed in the same memory, or an AT() address that collides',
    segment: g.b.index,
    ...(names.length > 0 ? { sections: names } : {}),
    address: first.start,
  };
}

/** Segments partly inside and partly outside the windows: a window edge cuts the firmware. */
export function straddlesWindowEdge(ctx: CheckContext): Finding[] {
  const found: Finding[] = [];
  for (const [index, ranges] of outsideFirmware(ctx)) {
    const segment = segmentOf(ctx, index);
    if (!segment) continue;
    const total = ranges.reduce((sum, r) => sum + (r.end - r.start), 0);
    const headers = structureLoadSpans(ctx.elf, segment).reduce((sum, s) => sum + (s.end - s.start), 0);
    if (total === segment.fileSize - headers) continue;
    const edge = windowEdge(ctx, ranges);
    const names = [...new Set(ranges.flatMap((r) => r.sections))];
    found.push({
      code: 'straddles-window-edge',
      severity: 'error',
      summary: `segment ${index} crosses ${edge.text}: ${count(total)} of its ${count(segment.fileSize)} bytes fall outside`,
      message:
        `segment ${index} (${namesText(segment.sections.map(sectionLabel))}) crosses ${edge.text}: ${count(total)} of its ` +
        `${count(segment.fileSize)} file bytes fall outside every window (${namesText(names)}) and are cut off, ` +
        'so the image holds only part of the firmware.',
      fix: 'the firmware is larger than the window, or the window is wrong: check the windows (options.windows) against the memory map and the linker script',
      segment: index,
      sections: names,
      address: edge.address,
    });
  }
  return found;
}

/** Kept runs that start or end inside a flash write unit (only with `--align`). */
export function unalignedLoadAddress(ctx: Pick<CheckContext, 'selection' | 'writeUnit'>): Finding[] {
  const unit = ctx.writeUnit;
  if (unit === undefined || unit <= 1) return [];
  return ctx.selection.image.runs().flatMap((run) => {
    const bad = run.start % unit !== 0 ? run.start : run.end % unit !== 0 ? run.end : undefined;
    if (bad === undefined) return [];
    const origins = [...new Set(run.chunks.map((c) => c.origin))].join(', ');
    const which = bad === run.start ? 'starts' : 'ends';
    return [
      {
        code: 'unaligned-load-address',
        severity: 'warning',
        summary: `the kept run ${rangeText(run.start, run.end)} ${which} at ${hex32(bad)}, not a multiple of the ${unit}-byte write unit`,
        message:
          `the kept run ${rangeText(run.start, run.end)} (${origins}) ${which} at ${hex32(bad)}, which is not a multiple of the ` +
          `${unit}-byte flash write unit: a programmer has to write a partial flash word there, which many refuse.`,
        fix: `align the section's start and size to ${unit} in the linker script ('. = ALIGN(${unit});')`,
        address: bad,
      } satisfies Finding,
    ];
  });
}

/** Overlapping pairs among ranges, each range reported against the one reaching furthest before it. */
function overlaps<R extends { readonly start: number; readonly end: number }>(ranges: readonly R[]): [R, R, Span][] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const found: [R, R, Span][] = [];
  let reach: R | undefined;
  for (const r of sorted) {
    if (reach && r.start < reach.end) found.push([reach, r, { start: r.start, end: Math.min(r.end, reach.end) }]);
    if (!reach || r.end > reach.end) reach = r;
  }
  return found;
}

/**
 * The outside-windows ranges of each segment without the ELF header bytes in them, which
 * headers-in-segment reports (one range, one finding); a segment whose outside bytes are only
 * headers and the padding after them has none.
 */
function outsideFirmware(ctx: CheckContext): Map<number, DroppedRange[]> {
  const known = outsideCache.get(ctx);
  if (known) return known;
  const bySegment = groupBySegment(ctx.selection.dropped.filter((d) => d.reason === 'outside-windows'));
  const result = new Map<number, DroppedRange[]>();
  for (const [index, ranges] of bySegment) {
    const segment = segmentOf(ctx, index);
    const headers = segment ? structureLoadSpans(ctx.elf, segment) : [];
    // Most segments hold no ELF structure: their outside ranges are all firmware.
    if (headers.length === 0) {
      result.set(index, ranges);
      continue;
    }
    const left = ranges.flatMap((r) => subtractSpans([r], headers).map((s) => ({ ...r, start: s.start, end: s.end })));
    const placed = segment && ctx.elf.sections.length > 0 ? mergeSpans(segment.sections.map((x) => sectionLoadRange(segment, x))) : undefined;
    if (left.length > 0 && (!placed || intersectSpans(left, placed).length > 0)) result.set(index, left);
  }
  outsideCache.set(ctx, result);
  return result;
}

/** outsideFirmware of each context, worked out once: two checks ask for it. */
const outsideCache = new WeakMap<CheckContext, Map<number, DroppedRange[]>>();

function groupBySegment(ranges: readonly DroppedRange[]): Map<number, DroppedRange[]> {
  const groups = new Map<number, DroppedRange[]>();
  for (const r of ranges) {
    if (r.segment === undefined) continue;
    const group = groups.get(r.segment);
    if (group) group.push(r);
    else groups.set(r.segment, [r]);
  }
  return groups;
}

function segmentOf(ctx: CheckContext, index: number): LoadSegment | undefined {
  return ctx.segments.get(index);
}

/** The window edge an outside range touches: `the end of FLASH (0x08010000)`. */
function windowEdge(ctx: CheckContext, ranges: readonly DroppedRange[]): { text: string; address: number } {
  for (const r of ranges) {
    const before = ctx.selection.windows.find((w) => w.end === r.start);
    if (before) return { text: `the end of window ${before.name} (${hex32(before.end)})`, address: before.end };
    const after = ctx.selection.windows.find((w) => w.start === r.end);
    if (after) return { text: `the start of window ${after.name} (${hex32(after.start)})`, address: after.start };
  }
  const first = ranges[0];
  return { text: 'a window edge', address: first ? first.start : 0 };
}
