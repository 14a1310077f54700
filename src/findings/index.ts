import { checksumOverData } from './checksum-place.js';
import type { InsertedChecksum } from '../transform/insert-checksum.js';
import { isCortexM } from '../read/elf/arm-attributes.js';
import type { ElfFile } from '../read/elf/types.js';
import type { Selection } from '../select/select.js';
import type { CheckContext } from './context.js';
import { cortexMVectors } from './cortex-m.js';
import { defaultWindowSpansAreas, imageBytesInRam, mayBeRam } from './default-window.js';
import { headersInSegment, loadOutsideWindows, ramSectionWithoutAt, segmentOverlap, straddlesWindowEdge, unalignedLoadAddress } from './layout.js';
import { ramRegionsFor } from './regions.js';
import type { Finding, RamRegion } from './types.js';
import { count, rangeText } from '../numbers.js';

export interface FindingOptions {
  /** RAM regions (a linker script's `w` regions); default: the SRAM and External RAM regions of the Cortex-M memory map for a Cortex-M ELF. */
  readonly ramRegions?: readonly RamRegion[] | undefined;
  /** Flash write unit in bytes (`--align`); kept runs must start and end on a multiple of it. */
  readonly writeUnit?: number | undefined;
  /** Run the Cortex-M vector table checks; default: for an ARM ELF whose build attributes do not name another profile. */
  readonly cortexM?: boolean | undefined;
  /** The checksums a conversion wrote, to check that each replaced a placeholder. */
  readonly checksums?: readonly InsertedChecksum[] | undefined;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** The findings `--strict` fails on: errors and warnings (an info finding says what was not checked). */
export function strictFailures(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity !== 'info');
}

/**
 * Everything flashcut finds worth telling about an ELF and what a conversion to `selection`'s
 * windows keeps: errors first, then by segment and address. Pure: reads the model, returns findings.
 */
export function findIssues(elf: ElfFile, selection: Selection, options: FindingOptions = {}): Finding[] {
  const ctx: CheckContext = {
    elf,
    segments: new Map(elf.loadSegments.map((s) => [s.index, s])),
    selection,
    ram: ramRegionsFor(elf, options.ramRegions),
    writeUnit: options.writeUnit,
  };
  const cortexM = options.cortexM ?? isCortexM(elf);
  const found = [
    ...loadOutsideWindows(ctx),
    ...ramSectionWithoutAt(ctx),
    ...headersInSegment(ctx),
    ...segmentOverlap(ctx),
    ...straddlesWindowEdge(ctx),
    ...unalignedLoadAddress(ctx),
    ...defaultWindowSpansAreas(ctx),
    ...mayBeRam(ctx),
    ...(cortexM ? cortexMVectors(ctx) : []),
    ...checksumOverData(selection, options.checksums ?? []),
  ];
  return found.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.segment ?? Infinity) - (b.segment ?? Infinity) ||
      (a.address ?? 0) - (b.address ?? 0),
  );
}

/**
 * Findings for an input that is already an image (Intel HEX, S-record, BIN): bytes outside every
 * window, bytes in the Cortex-M SRAM region under the default window, and runs that are not whole
 * flash write units. There are no segments to check.
 */
export function findImageIssues(selection: Selection, options: FindingOptions = {}): Finding[] {
  const outside: Finding[] = selection.dropped.map((d) => ({
    code: 'load-outside-windows',
    severity: 'warning',
    summary: `${d.origin}: ${count(d.end - d.start)} bytes at ${rangeText(d.start, d.end)}, outside every flash window`,
    message:
      `${d.origin} puts ${count(d.end - d.start)} bytes at ${rangeText(d.start, d.end)}, outside every flash window; ` +
      'flashcut leaves them out, but a flash-only programmer given the input as it is would refuse it.',
    fix: 'give a window (options.windows) that covers these bytes if they belong in flash, or leave them out of the input',
    address: d.start,
  }));
  return [...outside, ...imageBytesInRam(selection), ...unalignedLoadAddress({ selection, writeUnit: options.writeUnit }), ...checksumOverData(selection, options.checksums ?? [])];
}

export { CORTEX_M_EXTERNAL_RAM_REGION, CORTEX_M_SRAM_REGION, ramRegionsFor, regionAt } from './regions.js';
export { findVectorTables, type VectorTable, type VectorTableSearch } from './vector-table.js';
export type { Finding, FindingCode, RamRegion, Severity } from './types.js';
