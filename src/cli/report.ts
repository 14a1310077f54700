import type { MemoryImage } from '../image/memory-image.js';
import type { TransformRecord } from '../transform/transforms.js';
import { count, hex32, rangeText } from '../numbers.js';
import { sectorNumbers, touchedSectors, type DfuseLayout } from '../windows/dfuse-layout.js';
import { describeInput, DROP_WORDS, findingLines } from './inspect-view.js';
import type { RunReport } from './json-report.js';
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
 * The conversion summary, one string per line: each input, the windows and where they came
 * from, notes (settings' origins, regions left out, sectors erased), per-window use of the
 * image written, every dropped range with its sections, what each transform added, the files
 * written, and the findings in short (when there are any).
 */
export function summaryLines(run: RunReport, outputs: readonly WrittenOutput[], paint: Paint = painter(false)): string[] {
  const analyses = run.inputs.map((i) => i.analysis);
  const windows = analyses[0]?.windows ?? [];
  const lines: string[] = [];
  for (const { path, analysis } of run.inputs) {
    lines.push(`flashcut: ${path}: ${describeInput(analysis.input)}`);
    if (analysis.elf?.lmaFromVaddr) lines.push('  note     every p_paddr is 0: segments placed at their run addresses (p_vaddr), as objcopy does');
  }
  const nameWidth = windows.reduce((width, w) => Math.max(width, w.name.length), 0);
  windows.forEach((w, i) => {
    lines.push(`${label('windows', i)} ${w.name.padEnd(nameWidth)}  ${rangeText(w.start, w.end)}  (${w.source})`);
  });
  for (const note of run.notes) lines.push(`  ${note}`);
  windows.forEach((w, i) => {
    const used = run.image.bytesIn(w.start, w.end);
    const size = w.end - w.start;
    const percent = ((100 * used) / size).toFixed(1);
    lines.push(`${label('used', i)} ${w.name.padEnd(nameWidth)}  ${count(used)} of ${count(size)} bytes (${percent}%)`);
  });
  const dropped = run.inputs.flatMap(({ path, analysis }) =>
    analysis.selection.dropped.map((d) => ({ ...d, origin: run.inputs.length > 1 && analysis.elf ? `${path} ${d.origin}` : d.origin })),
  );
  dropped.forEach((d, i) => {
    const sections = d.sections.length > 0 ? `: ${d.sections.join(' ')}` : '';
    lines.push(`${label('dropped', i)} ${d.origin}  ${rangeText(d.start, d.end)}  ${count(d.end - d.start)} bytes  ${DROP_WORDS[d.reason]}${sections}`);
  });
  run.transforms.forEach((t, i) => lines.push(`${label('added', i)} ${transformText(t)}`));
  outputs.forEach((o, i) => {
    lines.push(`${label('wrote', i)} ${o.path}  ${o.title}, ${count(o.size)} bytes, ${rangeText(o.start, o.end)}`);
  });
  const findings = analyses.flatMap((a) => a.findings);
  // One at a time: spreading 65,000 lines into push() overflows the stack.
  if (findings.length > 0) for (const line of findingLines(findings, paint, 'short')) lines.push(line);
  return lines;
}

/** `  kept    ` on a block's first line, blanks of the same width after it. */
function label(word: string, index: number): string {
  return index === 0 ? `  ${word.padEnd(8)}` : ' '.repeat(10);
}

/** One line on what a transform did: `align 32: 28 bytes of fill in 3 ranges`, `crc32 0x1A2B3C4D at ...`. */
export function transformText(t: TransformRecord): string {
  const ranges = (n: number) => `in ${count(n)} range${n === 1 ? '' : 's'}`;
  switch (t.kind) {
    case 'pad-window':
      return `pad-window ${t.window}: ${count(t.bytes)} bytes of fill ${ranges(t.added.length)}`;
    case 'fill-gaps':
      return `fill-gaps: ${count(t.bytes)} bytes of fill ${ranges(t.added.length)}`;
    case 'align':
      return `align ${t.unit}: ${count(t.bytes)} bytes of fill ${ranges(t.added.length)}, first at ${hex32(t.added[0]?.start ?? 0)}`;
    case 'checksum':
      return `${t.algorithm}${t.bigEndian ? ' (big-endian)' : ''} ${hex32(t.value)} at ${hex32(t.address)}, over ${rangeText(t.range.start, t.range.end)}`;
  }
}

/** `erases   sectors 0-1 of Internal Flash (0x08000000-0x08007FFF, 32,768 bytes)`: what a DfuSe download of `image` erases. */
export function erasedSectorsNote(layout: DfuseLayout, image: MemoryImage): string {
  const parts = touchedSectors(layout, image.ranges()).map(
    (s) => `${s.first === s.last ? 'sector' : 'sectors'} ${sectorNumbers(s.first, s.last)} (${rangeText(s.start, s.end)}, ${count(s.end - s.start)} bytes)`,
  );
  return `erases   ${parts.join(', ')} of ${layout.name || 'the DfuSe layout'}`;
}
