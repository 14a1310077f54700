import type { ConversionPlan } from '../convert.js';
import { machineName } from '../elf/constants.js';
import type { DroppedRange } from '../image/select.js';
import { INPUT_FORMAT_TITLES, type FirmwareInput } from '../inputs/input.js';
import { count, hex32, rangeText } from '../numbers.js';

/** An output file as the summary shows it. */
export interface WrittenOutput {
  readonly path: string;
  readonly title: string;
  readonly size: number;
  readonly start: number;
  readonly end: number;
}

const DROP_TEXT: Record<DroppedRange['reason'], string> = {
  'outside-windows': 'outside every window',
  'elf-headers': 'ELF/program headers, not firmware',
  padding: 'padding between sections',
};

/**
 * The conversion summary, one string per line: the input, the windows and where they came
 * from, per-window use, every dropped range with its sections, and the files written.
 */
export function summaryLines(input: string, plan: ConversionPlan, outputs: readonly WrittenOutput[]): string[] {
  const { windows, selection } = plan;
  const lines = [`flashcut: ${input}: ${describeInput(plan.input)}`];
  const nameWidth = Math.max(...windows.map((w) => w.name.length));
  windows.forEach((w, i) => {
    lines.push(`${i === 0 ? '  windows ' : '          '} ${w.name.padEnd(nameWidth)}  ${rangeText(w.start, w.end)}  (${w.source})`);
  });
  windows.forEach((w, i) => {
    const used = selection.image.bytesIn(w.start, w.end);
    const size = w.end - w.start;
    const percent = ((100 * used) / size).toFixed(1);
    lines.push(`${i === 0 ? '  kept    ' : '          '} ${w.name.padEnd(nameWidth)}  ${count(used)} of ${count(size)} bytes (${percent}%)`);
  });
  selection.dropped.forEach((d, i) => {
    const sections = d.sections.length > 0 ? `: ${d.sections.join(' ')}` : '';
    lines.push(
      `${i === 0 ? '  dropped ' : '          '} ${d.origin}  ${rangeText(d.start, d.end)}  ${count(d.end - d.start)} bytes  ${DROP_TEXT[d.reason]}${sections}`,
    );
  });
  outputs.forEach((o, i) => {
    lines.push(`${i === 0 ? '  wrote   ' : '          '} ${o.path}  ${o.title}, ${count(o.size)} bytes, ${rangeText(o.start, o.end)}`);
  });
  return lines;
}

/** `ARM ELF32, little-endian, entry 0x08000101` or `Intel HEX, 3 pieces, start 0x08000101`. */
function describeInput(input: FirmwareInput): string {
  if (input.format === 'elf') {
    const h = input.elf.header;
    return `${machineName(h.e_machine)} ELF32, ${input.elf.littleEndian ? 'little' : 'big'}-endian, entry ${hex32(h.e_entry)}`;
  }
  const bytes = input.pieces.reduce((sum, p) => sum + p.bytes.length, 0);
  const start = input.startAddress === undefined ? 'no start address' : `start ${hex32(input.startAddress)}`;
  return `${INPUT_FORMAT_TITLES[input.format]}, ${count(bytes)} bytes in ${count(input.pieces.length)} piece${input.pieces.length === 1 ? '' : 's'}, ${start}`;
}
