import type { Analysis } from '../inspect.js';
import type { MemoryImage } from '../image/memory-image.js';
import { count, rangeText } from '../numbers.js';
import { sectorNumbers, touchedSectors, type DfuseLayout } from '../windows/dfuse-layout.js';
import { describeInput, DROP_WORDS, findingLines } from './inspect-view.js';
import { painter, type Paint } from './text.js';

/** An output file as the summary shows it. */
export interface WrittenOutput {
  readonly path: string;
  readonly title: string;
  readonly size: number;
  readonly start: number;
  readonly end: number;
}

/**
 * The conversion summary, one string per line: the input, the windows and where they came
 * from, `notes` (settings' origins, regions left out, sectors erased), per-window use, every
 * dropped range with its sections, the files written, and the findings in short (when there are any).
 */
export function summaryLines(
  input: string,
  analysis: Analysis,
  outputs: readonly WrittenOutput[],
  notes: readonly string[] = [],
  paint: Paint = painter(false),
): string[] {
  const { windows, selection } = analysis;
  const lines = [`flashcut: ${input}: ${describeInput(analysis.input)}`];
  if (analysis.elf?.lmaFromVaddr) lines.push('  note     every p_paddr is 0: segments placed at their run addresses (p_vaddr), as objcopy does');
  const nameWidth = Math.max(...windows.map((w) => w.name.length));
  windows.forEach((w, i) => {
    lines.push(`${i === 0 ? '  windows ' : '          '} ${w.name.padEnd(nameWidth)}  ${rangeText(w.start, w.end)}  (${w.source})`);
  });
  for (const note of notes) lines.push(`  ${note}`);
  windows.forEach((w, i) => {
    const used = selection.image.bytesIn(w.start, w.end);
    const size = w.end - w.start;
    const percent = ((100 * used) / size).toFixed(1);
    lines.push(`${i === 0 ? '  kept    ' : '          '} ${w.name.padEnd(nameWidth)}  ${count(used)} of ${count(size)} bytes (${percent}%)`);
  });
  selection.dropped.forEach((d, i) => {
    const sections = d.sections.length > 0 ? `: ${d.sections.join(' ')}` : '';
    lines.push(
      `${i === 0 ? '  dropped ' : '          '} ${d.origin}  ${rangeText(d.start, d.end)}  ${count(d.end - d.start)} bytes  ${DROP_WORDS[d.reason]}${sections}`,
    );
  });
  outputs.forEach((o, i) => {
    lines.push(`${i === 0 ? '  wrote   ' : '          '} ${o.path}  ${o.title}, ${count(o.size)} bytes, ${rangeText(o.start, o.end)}`);
  });
  if (analysis.findings.length > 0) lines.push(...findingLines(analysis.findings, paint, 'short'));
  return lines;
}

/** `erases   sectors 0-1 of Internal Flash (0x08000000-0x08007FFF, 32,768 bytes)`: what a DfuSe download of `image` erases. */
export function erasedSectorsNote(layout: DfuseLayout, image: MemoryImage): string {
  const parts = touchedSectors(layout, image.ranges()).map(
    (s) => `${s.first === s.last ? 'sector' : 'sectors'} ${sectorNumbers(s.first, s.last)} (${rangeText(s.start, s.end)}, ${count(s.end - s.start)} bytes)`,
  );
  return `erases   ${parts.join(', ')} of ${layout.name || 'the DfuSe layout'}`;
}
