import { isCortexM } from '../read/elf/arm-attributes.js';
import type { ElfFile } from '../read/elf/types.js';
import type { RamRegion } from './types.js';

/** The Cortex-M SRAM region (ARMv7-M/ARMv8-M memory map), where every on-chip RAM of a Cortex-M lives. */
export const CORTEX_M_SRAM_REGION: RamRegion = {
  name: 'SRAM',
  start: 0x2000_0000,
  end: 0x4000_0000,
  source: 'default for ARM: the Cortex-M SRAM region',
};

/**
 * The RAM regions the checks use: the given ones (e.g. a linker script's `w` regions), else the
 * Cortex-M SRAM region for a Cortex-M ELF, else none (the RAM checks are then skipped).
 */
export function ramRegionsFor(elf: ElfFile, given: readonly RamRegion[] | undefined): readonly RamRegion[] {
  if (given && given.length > 0) return given;
  return isCortexM(elf) ? [CORTEX_M_SRAM_REGION] : [];
}

/** The first region holding `address`, if any. */
export function regionAt<R extends { readonly start: number; readonly end: number }>(regions: readonly R[], address: number): R | undefined {
  return regions.find((r) => address >= r.start && address < r.end);
}
