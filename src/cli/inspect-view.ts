import { machineName, sectionFlagsText, sectionTypeName, segmentFlagsText, segmentTypeName } from '../read/elf/constants.js';
import type { ElfFile } from '../read/elf/types.js';
import { sectionLabel } from '../read/elf/model.js';
import { chunkSize } from '../image/memory-image.js';
import type { Finding } from '../findings/index.js';
import { INPUT_FORMAT_TITLES, type FirmwareInput } from '../read/input.js';
import { inputRanges, sectionPlacements, type Analysis, type SectionPlacement } from '../pipeline/inspect.js';
import { count, hex, hex32, rangeText } from '../numbers.js';
import { painter, percent, table, TEXT_WIDTH, usageBar, wrap, type Paint } from './text.js';

/** Short words for why bytes are dropped, for tables. */
export const DROP_WORDS = {
  'outside-windows': 'outside every window',
  'elf-headers': 'ELF/program headers, not firmware',
  padding: 'padding between sections',
} as const;

/**
 * `flashcut inspect`: the program headers, the sections of each loadable segment with the
 * window they land in and what a conversion does with them, per-window usage, the dropped
 * ranges and the findings. One string per line, laid out for 80 columns.
 */
export function inspectLines(input: string, analysis: Analysis, paint: Paint = painter(false)): string[] {
  const { elf, windows, ram, selection } = analysis;
  const lines = [
    `${input}:`,
    `  ${describeInput(analysis.input)}` + (elf ? `, ${elf.header.e_phnum} segments, ${elf.header.e_shnum} sections` : ''),
  ];
  // Lists are added one line at a time: spreading 65,000 lines into push() overflows the stack.
  const add = (...parts: (string | readonly string[])[]) => {
    for (const part of parts) if (typeof part === 'string') lines.push(part);
    else for (const line of part) lines.push(line);
  };
  add(elf ? elfTables(analysis, elf, paint) : rangeTable(analysis, paint));
  add(
    '',
    paint('bold', 'Flash windows'),
    indent(
      table(
        windows.map((w) => {
          const used = selection.image.bytesIn(w.start, w.end);
          const size = w.end - w.start;
          return [w.name, rangeText(w.start, w.end), `${count(used)} / ${count(size)}`, percent(used, size), usageBar(used, size)];
        }),
        ['l', 'l', 'r', 'r', 'l'],
      ),
    ),
    sourceLines(windows),
  );
  if (ram.length > 0) {
    add('', paint('bold', 'RAM regions (for the checks)'), indent(table(ram.map((r) => [r.name, rangeText(r.start, r.end)]))), sourceLines(ram));
  }
  if (analysis.vectorTables.length > 0) {
    add(
      '',
      paint('bold', 'Vector table (for the Cortex-M checks)'),
      indent(table(analysis.vectorTables.map((t) => [hex32(t.address), `SP ${hex32(t.sp)}`, `reset ${hex32(t.reset)}`]))),
      sourceLines(analysis.vectorTables),
    );
  }
  if (selection.dropped.length > 0) {
    const rows = table(
      selection.dropped.map((d) => [d.origin, rangeText(d.start, d.end), `${count(d.end - d.start)} bytes`, DROP_WORDS[d.reason]]),
      ['l', 'l', 'r', 'l'],
    );
    add('', paint('bold', 'Dropped file bytes'));
    selection.dropped.forEach((d, i) => {
      add(`  ${rows[i] ?? ''}`);
      if (d.sections.length > 0) add(wrap(d.sections.join(' '), TEXT_WIDTH, '    sections: ', ' '.repeat(14)));
    });
  }
  add('', findingLines(analysis.findings, paint, 'full'));
  return lines;
}

/** The program headers and the sections of the loadable segments, for an ELF input. */
function elfTables(analysis: Analysis, elf: ElfFile, paint: Paint): string[] {
  return [
    '',
    paint('bold', 'Program headers'),
    ...indent(
      table(
        [
          ['#', 'type', 'offset', 'vaddr', 'paddr', 'filesz', 'memsz', 'flg'],
          ...elf.programHeaders.map((p, i) => [
            String(i),
            segmentTypeName(p.p_type),
            hex(p.p_offset),
            hex32(p.p_vaddr),
            hex32(p.p_paddr),
            hex(p.p_filesz),
            hex(p.p_memsz),
            segmentFlagsText(p.p_flags),
          ]),
        ],
        ['r', 'l', 'r', 'l', 'l', 'r', 'r', 'l'],
      ),
    ),
    '',
    paint('bold', 'Sections of the loadable segments (load address: where the bytes are programmed)'),
    ...indent(
      table(
        [
          ['seg', 'section', 'type', 'flg', 'size', 'load at', 'conversion'],
          ...sectionPlacements(analysis).map((p) => [
            String(p.segment),
            sectionLabel(p.section),
            sectionTypeName(p.section.type),
            sectionFlagsText(p.section.flags),
            hex(p.section.size),
            hex32(p.loadAddress),
            verdict(p),
          ]),
        ],
        ['r', 'l', 'l', 'l', 'r', 'l', 'l'],
      ),
    ),
  ];
}

/** The address ranges an image input fills, as srec_info lists them. */
function rangeTable(analysis: Analysis, paint: Paint): string[] {
  const ranges = inputRanges(analysis.input);
  if (ranges.length === 0) return [];
  return ['', paint('bold', 'Address ranges of the input'), ...indent(table(ranges.map((r) => [rangeText(r.start, r.end), `${count(r.end - r.start)} bytes`]), ['l', 'r']))];
}

/**
 * The findings as text: `full` gives each its message and fix (inspect), `short` its one-line
 * summary and fix (the conversion report).
 */
export function findingLines(findings: readonly Finding[], paint: Paint, detail: 'full' | 'short'): string[] {
  if (findings.length === 0) return [`${paint('bold', 'Findings:')} ${paint('green', 'none')}`];
  const lines = [paint('bold', `Findings (${count(findings.length)})`)];
  const shown = new Map<string, number>();
  let brief = 0;
  for (const f of findings) {
    const label = f.severity.padEnd(8);
    const seen = (shown.get(f.code) ?? 0) + 1;
    shown.set(f.code, seen);
    // Past the first few of a code, its summary alone: 65,533 findings in full were 50 MB of text.
    const whole = seen <= DETAILED_PER_CODE;
    if (!whole) brief++;
    const head = wrap(`${f.code}: ${detail === 'full' && whole ? f.message : f.summary}`, TEXT_WIDTH, `  ${label} `);
    const first = head[0] ?? '';
    // Colour after wrapping, so escape codes never count towards the width.
    lines.push(first.replace(label, paint(SEVERITY_COLOURS[f.severity], label)));
    for (let i = 1; i < head.length; i++) lines.push(head[i] as string);
    if (whole) for (const line of wrap(f.fix, TEXT_WIDTH, `${' '.repeat(11)}fix: `, ' '.repeat(16))) lines.push(line);
  }
  if (brief > 0) {
    for (const line of wrap(`${count(brief)} findings past the first ${DETAILED_PER_CODE} of their code show their summary alone; --json gives each one in full`, TEXT_WIDTH, '  ')) lines.push(line);
  }
  return lines;
}

/** Findings of one code shown with their whole message and fix; the rest by their summary. */
const DETAILED_PER_CODE = 20;

const SEVERITY_COLOURS = { error: 'red', warning: 'yellow', info: 'bold' } as const;

function verdict(p: SectionPlacement): string {
  if (p.section.size === 0) return 'empty';
  if (p.fileBytes === 0) return 'no file bytes';
  const dropped = p.dropped.map((d) => `drop ${count(d.bytes)}: ${shortReason(d.reason)}`);
  if (p.keptBytes === 0) return p.dropped.length === 1 && p.dropped[0] ? `drop: ${shortReason(p.dropped[0].reason)}` : dropped.join(', ');
  const keep = `keep in ${p.window ?? 'window'}`;
  return p.keptBytes === p.fileBytes ? keep : [`keep ${count(p.keptBytes)}`, ...dropped].join(', ');
}

function shortReason(reason: SectionPlacement['dropped'][number]['reason']): string {
  return reason === 'outside-windows' ? 'no window' : reason === 'elf-headers' ? 'ELF headers' : 'padding';
}

/** `source: --region`, once per distinct source, wrapped. */
function sourceLines(regions: readonly { readonly source: string }[]): string[] {
  return [...new Set(regions.map((r) => r.source))].flatMap((source) => wrap(source, TEXT_WIDTH, '  source: ', ' '.repeat(10)));
}

function indent(lines: readonly string[]): string[] {
  return lines.map((l) => `  ${l}`);
}

/** `ARM ELF32, little-endian, entry 0x08000101` or `Intel HEX, 1,024 bytes in 3 pieces, start 0x08000101`. */
export function describeInput(input: FirmwareInput): string {
  if (input.format === 'elf') {
    const h = input.elf.header;
    return `${machineName(h.e_machine)} ELF32, ${input.elf.littleEndian ? 'little' : 'big'}-endian, entry ${hex32(h.e_entry)}`;
  }
  const bytes = input.pieces.reduce((sum, p) => sum + chunkSize(p), 0);
  const start = input.startAddress === undefined ? 'no start address' : `start ${hex32(input.startAddress)}`;
  return `${INPUT_FORMAT_TITLES[input.format]}, ${count(bytes)} bytes in ${count(input.pieces.length)} piece${input.pieces.length === 1 ? '' : 's'}, ${start}`;
}
