import type { ElfFile, LoadSegment } from '../read/elf/types.js';
import { fewNames } from '../numbers.js';
import type { Selection } from '../select/select.js';
import type { RamRegion } from './types.js';

/** What every check looks at. */
export interface CheckContext {
  readonly elf: ElfFile;
  /** The load segments by program header index (a file may list 65,535 of them). */
  readonly segments: ReadonlyMap<number, LoadSegment>;
  readonly selection: Selection;
  /** RAM regions; empty when unknown (the RAM checks are skipped). */
  readonly ram: readonly RamRegion[];
  /** Flash write unit in bytes, when the user gave one. */
  readonly writeUnit: number | undefined;
}

/** `.bss ._user_heap_stack` for a list of names (a few, and how many more), or `no named section`. */
export function namesText(names: readonly string[]): string {
  return names.length > 0 ? fewNames(names) : 'no named section';
}
