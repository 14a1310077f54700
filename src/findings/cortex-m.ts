import { hex32, rangeText } from '../numbers.js';
import type { CheckContext } from './context.js';
import { familyRamAreas, memoryMapRegionOf, regionAt } from './regions.js';
import type { Finding } from './types.js';
import { findVectorTables, VECTOR_TABLE_SECTIONS, VECTOR_TABLE_SYMBOLS, type VectorTable } from './vector-table.js';

/**
 * The Cortex-M boot checks: the core loads SP from word 0 of the vector table and jumps to
 * word 1 (which must have bit 0 set: Cortex-M runs Thumb only). Each vector table found from
 * the ELF is checked; when none is found with confidence, an info finding says so instead.
 */
export function cortexMVectors(ctx: CheckContext): Finding[] {
  const search = findVectorTables(ctx.elf, ctx.selection.image);
  const found: Finding[] = search.unsure === undefined ? search.tables.flatMap((t) => tableChecks(ctx, t)) : [notFound(search.unsure)];
  const entry = ctx.elf.header.e_entry;
  if (!regionAt(ctx.selection.windows, entry - (entry % 2))) {
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

function tableChecks(ctx: CheckContext, table: VectorTable): Finding[] {
  const { sp, reset, address } = table;
  const where = `the vector table at ${hex32(address)} (${table.source})`;
  const found: Finding[] = [];
  // The stack grows down from SP: its first push goes just below, so the end of RAM is fine.
  const ram = [...ctx.ram, ...familyRamAreas(ctx.selection.image)];
  if (ctx.ram.length > 0 && !ram.some((r) => sp > r.start && sp <= r.end)) {
    const region = memoryMapRegionOf(sp === 0 ? 0 : sp - 1);
    found.push({
      code: 'initial-sp-not-in-ram',
      severity: 'error',
      summary: `the initial stack pointer ${hex32(sp)} (vector table at ${hex32(address)}) is not in RAM`,
      message:
        `word 0 of ${where}, the initial stack pointer, is ${hex32(sp)}, in the ${region.name} region ` +
        `(${rangeText(region.start, region.end)}) and not in RAM (${ram.map((r) => `${r.name} ${rangeText(r.start, r.end)}`).join(', ')}): ` +
        'the first push after reset faults.',
      fix: "set the stack top to the end of RAM in the linker script (e.g. '_estack = ORIGIN(RAM) + LENGTH(RAM);') and put it first in the vector table",
      address,
    });
  }
  if (reset % 2 === 0) {
    found.push({
      code: 'reset-vector-no-thumb-bit',
      severity: 'error',
      summary: `the reset vector ${hex32(reset)} has no Thumb bit (bit 0 clear)`,
      message:
        `word 1 of ${where}, the reset vector, is ${hex32(reset)} with bit 0 clear. ` +
        'A Cortex-M runs Thumb code only and takes a HardFault at the first instruction.',
      fix: 'build the reset handler as Thumb code (-mthumb) and fill the vector table with function symbols, not raw addresses',
      address: address + 4,
    });
  }
  if (!regionAt(ctx.selection.windows, reset - (reset % 2))) {
    found.push({
      code: 'reset-vector-not-in-flash',
      severity: 'error',
      summary: `the reset vector ${hex32(reset)} points outside every flash window`,
      message:
        `word 1 of ${where}, the reset vector, is ${hex32(reset)}, outside every flash window: ` +
        'after reset the core jumps to an address that holds no programmed code.',
      fix: 'place the reset handler in a flash output section of the linker script (e.g. .text >FLASH), or check the windows (options.windows)',
      address: address + 4,
    });
  }
  return found;
}

function notFound(why: string): Finding {
  return {
    code: 'vector-table-not-found',
    severity: 'info',
    summary: 'no vector table found with confidence: the initial SP and reset vector were not checked',
    message:
      `no Cortex-M vector table was found with confidence (${why}), so the initial stack pointer and the reset vector ` +
      'were not checked rather than checking bytes that may be something else.',
    fix:
      `name the table with one of the usual symbols (${VECTOR_TABLE_SYMBOLS.slice(0, 3).join(', ')}, ...) or put it in a section ` +
      `such as ${VECTOR_TABLE_SECTIONS.slice(0, 2).join(' or ')}; or check that the windows cover it`,
  };
}
