import { ELF32_EHDR_SIZE, ELF32_PHDR_SIZE, SHT_NOBITS } from '../read/elf/constants.js';
import type { LoadSegment } from '../read/elf/types.js';
import type { DroppedRange } from '../select/select.js';
import { intersectSpans, mergeSpans, type Span } from '../image/spans.js';
import { count, hex, hex32, rangeText } from '../numbers.js';
import { namesText, sectionLabel, sectionLoadAddress, type CheckContext } from './context.js';
import { CORTEX_M_SRAM_REGION, ramAt, regionAt } from './regions.js';
import type { Finding } from './types.js';

/** Segments whose file bytes load outside every flash window: what a flash-only programmer refuses. */
export function loadOutsideWindows(ctx: CheckContext): Finding[] {
  const bySegment = groupBySegment(ctx.selection.dropped.filter((d) => d.reason === 'outside-windows'));
  return [...bySegment].map(([index, ranges]) => {
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
        '(--region, or its region with --ld/--ld-region); otherwise mark it (NOLOAD) or place it in a flash region in the linker script'
      : withContents.length > 0
        ? `in the linker script, give ${withContents.join(' ')} a load address in flash ('>RAM AT> FLASH', or move its input ` +
          `sections into .data, which the start-up code copies), or mark it (NOLOAD) if nothing needs its contents` +
          (zeroFilled.length > 0 ? `; then ${zeroFilled.join(' ')} no longer need file bytes` : '')
        : `mark ${names.length > 0 ? names.join(' ') : 'the sections'} (NOLOAD) in the linker script, or move them into a flash region`;
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
  const h = ctx.elf.header;
  const headers = mergeSpans([
    { start: 0, end: Math.max(ELF32_EHDR_SIZE, h.e_ehsize) },
    { start: h.e_phoff, end: h.e_phoff + h.e_phnum * ELF32_PHDR_SIZE },
  ]);
  return ctx.elf.loadSegments.flatMap((segment) => {
    const swept = intersectSpans([{ start: segment.fileOffset, end: segment.fileOffset + segment.fileSize }], headers);
    const first = swept[0];
    if (!first) return [];
    const bytes = swept.reduce((sum, s) => sum + (s.end - s.start), 0);
    const at = segment.lma + (first.start - segment.fileOffset);
    return [
      {
        code: 'headers-in-segment',
        severity: 'warning',
        summary: `segment ${segment.index} holds ${count(bytes)} bytes of ELF/program headers at ${hex32(at)}`,
        message:
          `segment ${segment.index} starts at file offset ${hex(segment.fileOffset)} and so holds ${count(bytes)} bytes of the ` +
          `ELF header and program header table, loading at ${hex32(at)}. flashcut drops them, but objcopy and programmers ` +
          'that write whole segments put them into flash in front of your firmware.',
        fix:
          'in the linker script, start the first output section at the origin of its memory region (GNU ld sweeps the headers ' +
          'into the first segment when they fit in front of it), or declare PHDRS without FILEHDR and PHDRS',
        segment: segment.index,
        address: at,
      } satisfies Finding,
    ];
  });
}

/** Two segments loading to, or running at, the same addresses. */
export function segmentOverlap(ctx: CheckContext): Finding[] {
  const segments = ctx.elf.loadSegments;
  const load = overlaps(segments.map((s) => ({ segment: s, start: s.lma, end: s.lma + s.fileSize })));
  const run = overlaps(segments.map((s) => ({ segment: s, start: s.vma, end: s.vma + s.memSize })));
  const describe = (kind: 'load' | 'run', [a, b, span]: Overlap): Finding => ({
    code: 'segment-overlap',
    severity: 'error',
    summary: `segments ${a.index} and ${b.index} ${kind === 'load' ? 'load to' : 'run at'} the same addresses ${rangeText(span.start, span.end)}`,
    message:
      `segments ${a.index} (${namesText(a.sections.map(sectionLabel))}) and ${b.index} (${namesText(b.sections.map(sectionLabel))}) ` +
      `${kind === 'load' ? 'load to' : 'run at'} the same ${count(span.end - span.start)} bytes at ${rangeText(span.start, span.end)}: ` +
      (kind === 'load' ? 'one overwrites the other when they are programmed.' : 'at run time one overwrites the other.'),
    fix: 'check the linker script for two output sections placed in the same memory, or an AT() address that collides',
    segment: b.index,
    address: span.start,
  });
  return [...load.map((o) => describe('load', o)), ...run.map((o) => describe('run', o))];
}

/** Segments partly inside and partly outside the windows: a window edge cuts the firmware. */
export function straddlesWindowEdge(ctx: CheckContext): Finding[] {
  const outside = groupBySegment(ctx.selection.dropped.filter((d) => d.reason === 'outside-windows'));
  const found: Finding[] = [];
  for (const [index, ranges] of outside) {
    const segment = segmentOf(ctx, index);
    if (!segment) continue;
    const total = ranges.reduce((sum, r) => sum + (r.end - r.start), 0);
    if (total === segment.fileSize) continue;
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
      fix: 'the firmware is larger than the window, or the window is wrong: check --region against the memory map and the linker script',
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
    const origins = run.chunks.map((c) => c.origin).join(', ');
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

type Overlap = [LoadSegment, LoadSegment, Span];

/** Overlapping pairs among ranges, each segment reported against the one reaching furthest before it. */
function overlaps(ranges: { segment: LoadSegment; start: number; end: number }[]): Overlap[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start || a.segment.index - b.segment.index);
  const found: Overlap[] = [];
  let reach: (typeof sorted)[number] | undefined;
  for (const r of sorted) {
    if (reach && r.start < reach.end) {
      const [a, b] = reach.segment.index < r.segment.index ? [reach.segment, r.segment] : [r.segment, reach.segment];
      found.push([a, b, { start: r.start, end: Math.min(r.end, reach.end) }]);
    }
    if (!reach || r.end > reach.end) reach = r;
  }
  return found;
}

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
