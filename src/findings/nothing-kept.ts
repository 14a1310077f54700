import { hex, hex32, rangeText } from '../numbers.js';
import type { Selection } from '../select/select.js';
import { mergeSpans } from '../image/spans.js';
import { CORTEX_M_SRAM_REGION } from './regions.js';

/** How many ranges the message lists before it counts the rest. */
const RANGES_SHOWN = 4;
/** Suggested window lengths are whole 4 KiB, the smallest common flash sector. */
const SECTOR = 0x1000;

/**
 * For "nothing to write": where the inputs' loadable bytes are (the ranges no window took, merged
 * per origin) and the `--region` that would keep the likeliest flash range: the one holding the
 * entry point, else the lowest one outside the SRAM region. Empty when no byte was dropped.
 */
export function whereTheBytesAre(inputs: readonly { readonly selection: Selection; readonly startAddress: number | undefined }[]): string {
  const ranges = inputs.flatMap(({ selection }) => {
    const byOrigin = new Map<string, { start: number; end: number }[]>();
    for (const d of selection.dropped) if (d.reason === 'outside-windows') byOrigin.set(d.origin, [...(byOrigin.get(d.origin) ?? []), d]);
    return [...byOrigin].flatMap(([origin, spans]) => mergeSpans(spans).map((s) => ({ origin, ...s })));
  });
  if (ranges.length === 0) return '';
  const sorted = ranges.sort((a, b) => a.start - b.start);
  const listed = sorted.slice(0, RANGES_SHOWN).map((r) => `${rangeText(r.start, r.end)} (${r.origin})`);
  const more = sorted.length > RANGES_SHOWN ? ` and ${sorted.length - RANGES_SHOWN} more` : '';
  const entries = inputs.flatMap((i) => (i.startAddress === undefined ? [] : [i.startAddress - (i.startAddress % 2)]));
  const flash =
    sorted.find((r) => entries.some((e) => e >= r.start && e < r.end)) ??
    sorted.find((r) => r.start >= CORTEX_M_SRAM_REGION.end || r.end <= CORTEX_M_SRAM_REGION.start) ??
    (sorted[0] as (typeof sorted)[number]);
  const length = Math.ceil((flash.end - flash.start) / SECTOR) * SECTOR;
  return `; the loadable bytes are at ${listed.join(', ')}${more}: to keep them, give options.windows FLASH=${hex32(flash.start)}:${hex(Math.min(length, 0x1_0000_0000 - flash.start))} (or the flash's whole size), or options.linkerScript with the linker script`;
}
