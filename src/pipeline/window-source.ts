import { aboutOption } from '../errors.js';
import { dfuseWindows, parseDfuseLayout, type DfuseLayout } from '../windows/dfuse-layout.js';
import { flashWindowsOf } from '../windows/ld-windows.js';
import { parseLinkerScript, type IncludeReader } from '../windows/ld-script.js';
import type { FlashWindow } from '../windows/window.js';
import { parseRegion } from '../config/option-syntax.js';

/**
 * Where a conversion takes its flash windows from: exactly one source. `label` names the
 * source in messages and in each window's `source` (default: the API option, `options.windows`).
 * An error about regions or a layout names its option (`windows`, `dfuseLayout`), so that a
 * front end can say where the value was given.
 */
export type WindowSource =
  /** The input's default: the Cortex-M code region for an ARM ELF, the whole address space for an image input. */
  | { readonly from: 'default' }
  /** Windows as `[NAME=]ORIGIN:LENGTH` text or as FlashWindow values. */
  | { readonly from: 'regions'; readonly regions: readonly (string | FlashWindow)[]; readonly label?: string | undefined }
  /**
   * A GNU ld linker script's MEMORY regions. `include` reads the files it INCLUDEs (the
   * caller's: the core reads no file); `regions` names the regions to take (default: those
   * without a `w` attribute).
   */
  | {
      readonly from: 'ld';
      readonly text: string;
      readonly file: string;
      readonly include?: IncludeReader | undefined;
      readonly regions?: readonly string[] | undefined;
      readonly label?: string | undefined;
    }
  /**
   * A DfuSe memory layout, as dfu-util shows it (`@Internal Flash /0x08000000/04*016Kg,...`),
   * or parsed: its writable sectors are the windows, and bytes in any other sector are refused.
   */
  | { readonly from: 'dfuse'; readonly layout: string | DfuseLayout; readonly label?: string | undefined };

/** The windows a source gives, and what came with them. */
export interface SourcedWindows {
  /** Undefined: the input's default. */
  readonly windows: readonly FlashWindow[] | undefined;
  /** The DfuSe layout whose non-writable sectors must stay untouched, for a `dfuse` source. */
  readonly dfuse: DfuseLayout | undefined;
  /** A linker script's writable regions (RAM, for the checks); undefined for the other sources. */
  readonly ram: readonly FlashWindow[] | undefined;
  /** A line for each linker script region left out, saying why. */
  readonly notes: readonly string[];
}

/**
 * The windows of a source; a plain list of windows is a `regions` source, and undefined the
 * default. Throws UsageError for a bad region or layout (naming the option), and the linker
 * script reader's errors.
 */
export function windowsFrom(source: WindowSource | readonly FlashWindow[] | undefined): SourcedWindows {
  if (source === undefined || isWindowList(source)) return { windows: source && source.length > 0 ? source : undefined, dfuse: undefined, ram: undefined, notes: [] };
  switch (source.from) {
    case 'default':
      return { windows: undefined, dfuse: undefined, ram: undefined, notes: [] };
    case 'regions': {
      const label = source.label ?? 'options.windows';
      const windows = aboutOption('windows', () => source.regions.map((r) => (typeof r === 'string' ? parseRegion(r, label) : r)));
      return { windows: windows.length > 0 ? windows : undefined, dfuse: undefined, ram: undefined, notes: [] };
    }
    case 'ld': {
      const script = parseLinkerScript(source.text, { file: source.file, include: source.include });
      const names = source.regions && source.regions.length > 0 ? source.regions : undefined;
      const { windows, skipped, ram } = flashWindowsOf(script, source.label ?? `linker script ${source.file}`, names);
      return { windows, dfuse: undefined, ram, notes: skipped.map((line) => `left out ${line}`) };
    }
    case 'dfuse': {
      const layout = typeof source.layout === 'string' ? parseDfuseLayout(source.layout) : source.layout;
      return { windows: dfuseWindows(layout, source.label ?? 'options.dfuseLayout'), dfuse: layout, ram: undefined, notes: [] };
    }
  }
}

function isWindowList(source: WindowSource | readonly FlashWindow[]): source is readonly FlashWindow[] {
  return Array.isArray(source);
}
