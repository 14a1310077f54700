import { isCortexM } from '../read/elf/arm-attributes.js';
import type { ElfFile } from '../read/elf/types.js';
import type { MemoryImage } from '../image/memory-image.js';
import type { RamRegion } from './types.js';

const ARMV7M = 'default for ARM: the ARMv7-M/ARMv8-M memory map';

/** The Cortex-M SRAM region (ARMv7-M/ARMv8-M memory map), where the on-chip RAM of a Cortex-M lives. */
export const CORTEX_M_SRAM_REGION: RamRegion = { name: 'SRAM', start: 0x2000_0000, end: 0x4000_0000, source: ARMV7M };

/** The architecture's External RAM region (SDRAM, PSRAM: 0x80000000 on i.MX RT, 0xC0000000 is External device). */
export const CORTEX_M_EXTERNAL_RAM_REGION: RamRegion = { name: 'External RAM', start: 0x6000_0000, end: 0xa000_0000, source: ARMV7M };

/** The regions of the ARMv7-M/ARMv8-M memory map, to say where an address lies. */
const CORTEX_M_MEMORY_MAP: readonly RamRegion[] = [
  { name: 'Code', start: 0, end: 0x2000_0000, source: ARMV7M },
  CORTEX_M_SRAM_REGION,
  { name: 'Peripheral', start: 0x4000_0000, end: 0x6000_0000, source: ARMV7M },
  CORTEX_M_EXTERNAL_RAM_REGION,
  { name: 'External device', start: 0xa000_0000, end: 0xe000_0000, source: ARMV7M },
  { name: 'System', start: 0xe000_0000, end: 0x1_0000_0000, source: ARMV7M },
];

/**
 * The RAM regions the checks use: the given ones (e.g. a linker script's `w` regions), else the
 * SRAM and External RAM regions of the memory map for a Cortex-M ELF, else none (the RAM
 * checks are then skipped).
 */
export function ramRegionsFor(elf: ElfFile, given: readonly RamRegion[] | undefined): readonly RamRegion[] {
  if (given && given.length > 0) return given;
  return isCortexM(elf) ? [CORTEX_M_SRAM_REGION, CORTEX_M_EXTERNAL_RAM_REGION] : [];
}

/** `the SRAM region (0x20000000-0x3FFFFFFF)`: the memory-map region of a Cortex-M address. */
export function memoryMapRegionOf(address: number): RamRegion {
  return regionAt(CORTEX_M_MEMORY_MAP, address) ?? (CORTEX_M_MEMORY_MAP[0] as RamRegion);
}

/**
 * The parts of the Cortex-M Code region (0x00000000-0x1FFFFFFF, the default window) that are
 * flash on some parts and RAM on others, so that bytes kept in two of them mean the default
 * window is probably too wide.
 */
export const CODE_REGION_AREAS: readonly RamRegion[] = [
  { name: '0x00000000', start: 0, end: 0x0800_0000, source: 'flash on nRF, SAM, Kinetis, LPC; ITCM RAM on STM32F7/H7' },
  { name: '0x08000000', start: 0x0800_0000, end: 0x1000_0000, source: 'flash on STM32, GD32' },
  { name: '0x10000000', start: 0x1000_0000, end: 0x2000_0000, source: 'CCM RAM on STM32F3/F4/G4, UICR on nRF52, XIP flash on RP2040' },
];

/** STM32 flash: where kept bytes show that the file is for an STM32. */
const STM32_FLASH = { start: 0x0800_0000, end: 0x1000_0000 };

/**
 * RAM areas inside the Code region on the part family the kept bytes show: on an STM32 (bytes
 * in its flash at 0x08000000) the core-coupled RAM at 0x10000000 and the ITCM RAM at 0.
 */
export function familyRamAreas(image: MemoryImage): readonly RamRegion[] {
  if (image.bytesIn(STM32_FLASH.start, STM32_FLASH.end) === 0) return [];
  return [
    { name: 'CCM', start: 0x1000_0000, end: 0x1001_0000, source: 'STM32F3/F4/G4 core-coupled RAM (the file has bytes in STM32 flash at 0x08000000)' },
    { name: 'ITCM', start: 0, end: 0x0001_0000, source: 'STM32F7/H7 instruction TCM RAM (the file has bytes in STM32 flash at 0x08000000)' },
  ];
}

/**
 * The RAM region holding `address`, if any; the External RAM region of the memory map only where
 * no flash window covers the address, since parts map flash there too (i.MX RT FlexSPI at
 * 0x60000000, STM32 QUADSPI at 0x90000000).
 */
export function ramAt(ram: readonly RamRegion[], windows: readonly { start: number; end: number }[], address: number): RamRegion | undefined {
  const region = regionAt(ram, address);
  return region === CORTEX_M_EXTERNAL_RAM_REGION && regionAt(windows, address) ? undefined : region;
}

/** The first region holding `address`, if any. */
export function regionAt<R extends { readonly start: number; readonly end: number }>(regions: readonly R[], address: number): R | undefined {
  return regions.find((r) => address >= r.start && address < r.end);
}
