import { hex32 } from '../numbers.js';
import { sectionLoadAddress, type CheckContext } from './context.js';
import { regionAt } from './regions.js';
import type { Finding } from './types.js';

/** Output section names that GNU ld scripts of the common vendors give the vector table. */
const VECTOR_SECTIONS = ['.isr_vector', '.vectors', '.vector_table', '.intvecs', '.isr_vector_table'];

/**
 * The Cortex-M boot checks: the core loads SP from word 0 of the vector table and jumps to
 * word 1 (which must have bit 0 set: Cortex-M runs Thumb only). The vector table is the kept
 * bytes of a section named like one, else the lowest kept address of the image.
 */
export function cortexMVectors(ctx: CheckContext): Finding[] {
  const table = vectorTableAddress(ctx);
  if (table === undefined) return [];
  const words = readWords(ctx, table, 2);
  if (!words) return [];
  const [sp, reset] = words as [number, number];
  const found: Finding[] = [];
  const windows = ctx.selection.windows;

  if (ctx.ram.length > 0 && !ctx.ram.some((r) => sp > r.start && sp <= r.end)) {
    found.push({
      code: 'initial-sp-not-in-ram',
      severity: 'error',
      summary: `the initial stack pointer ${hex32(sp)} (vector table at ${hex32(table)}) is not in RAM`,
      message:
        `word 0 of the vector table at ${hex32(table)}, the initial stack pointer, is ${hex32(sp)}, which is not in RAM ` +
        `(${ctx.ram.map((r) => `${r.name} ${hex32(r.start)}-${hex32(r.end - 1)}`).join(', ')}): the first push after reset faults.`,
      fix: "set the stack top to the end of RAM in the linker script (e.g. '_estack = ORIGIN(RAM) + LENGTH(RAM);') and put it first in the vector table",
      address: table,
    });
  }
  if (reset % 2 === 0) {
    found.push({
      code: 'reset-vector-no-thumb-bit',
      severity: 'error',
      summary: `the reset vector ${hex32(reset)} has no Thumb bit (bit 0 clear)`,
      message:
        `word 1 of the vector table at ${hex32(table)}, the reset vector, is ${hex32(reset)} with bit 0 clear. ` +
        'A Cortex-M runs Thumb code only and takes a HardFault at the first instruction.',
      fix: 'build the reset handler as Thumb code (-mthumb) and fill the vector table with function symbols, not raw addresses',
      address: table + 4,
    });
  }
  const resetTarget = reset - (reset % 2);
  if (!regionAt(windows, resetTarget)) {
    found.push({
      code: 'reset-vector-not-in-flash',
      severity: 'error',
      summary: `the reset vector ${hex32(reset)} points outside every flash window`,
      message:
        `word 1 of the vector table at ${hex32(table)}, the reset vector, is ${hex32(reset)}, outside every flash window: ` +
        'after reset the core jumps to an address that holds no programmed code.',
      fix: 'place the reset handler in a flash output section of the linker script (e.g. .text >FLASH), or check --region',
      address: table + 4,
    });
  }
  const entry = ctx.elf.header.e_entry;
  if (!regionAt(windows, entry - (entry % 2))) {
    found.push({
      code: 'entry-outside-flash',
      severity: 'warning',
      summary: `the ELF entry point ${hex32(entry)} is outside every flash window`,
      message:
        `the ELF entry point (e_entry) is ${hex32(entry)}, outside every flash window. ` +
        'The core boots from the vector table, but debuggers and some loaders start at the entry point.',
      fix: "set ENTRY(Reset_Handler) in the linker script, with Reset_Handler in a flash section",
      address: entry,
    });
  }
  return found;
}

function vectorTableAddress(ctx: CheckContext): number | undefined {
  for (const segment of ctx.elf.loadSegments) {
    const section = segment.sections.find((s) => s.hasContents && VECTOR_SECTIONS.includes(s.name));
    if (section) return sectionLoadAddress(segment, section);
  }
  return ctx.selection.image.start;
}

/** `n` 32-bit words at `address` of the kept image, in the ELF's byte order; undefined unless all were kept. */
function readWords(ctx: CheckContext, address: number, n: number): number[] | undefined {
  const slice = ctx.selection.image.slice(address, address + 4 * n);
  if (slice.size !== 4 * n) return undefined;
  const bytes = new Uint8Array(4 * n);
  for (const chunk of slice.chunks) bytes.set(chunk.bytes, chunk.address - address);
  const view = new DataView(bytes.buffer);
  return Array.from({ length: n }, (_, i) => view.getUint32(4 * i, ctx.elf.littleEndian));
}
