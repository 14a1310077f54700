import { EM_ARM, machineName } from './elf/constants.js';
import { parseElf } from './elf/parse.js';
import type { ElfFile } from './elf/types.js';
import { LayoutError, UsageError } from './errors.js';
import { collectBytes, type OutputFormat, type WriteOptions } from './formats/format.js';
import { formatByName } from './formats/registry.js';
import type { MemoryImage } from './image/memory-image.js';
import { selectFlashBytes, type Selection } from './image/select.js';
import { CORTEX_M_CODE_REGION, type FlashWindow } from './image/windows.js';

export interface ConvertOptions extends Omit<WriteOptions, 'startAddress'> {
  /** Flash windows; default: the Cortex-M code region for an ARM ELF, an error for any other machine. */
  readonly windows?: readonly FlashWindow[] | undefined;
  /** Output format name (`hex`, `bin`, ...) or a format object; default `hex`. */
  readonly format?: string | OutputFormat | undefined;
  /** Start address to record; default e_entry (none when it is 0); `null` for none. */
  readonly startAddress?: number | null | undefined;
}

/** Everything a conversion decided, before any output byte is produced. */
export interface ConversionPlan {
  readonly elf: ElfFile;
  readonly windows: readonly FlashWindow[];
  readonly selection: Selection;
  readonly format: OutputFormat;
  readonly writeOptions: WriteOptions;
}

/** The windows to use: the given ones, or the default for the ELF's machine. Throws UsageError if there is none. */
export function resolveWindows(elf: ElfFile, windows: readonly FlashWindow[] | undefined): readonly FlashWindow[] {
  if (windows && windows.length > 0) return windows;
  if (elf.header.e_machine === EM_ARM) return [CORTEX_M_CODE_REGION];
  throw new UsageError(
    `no flash windows given, and there is no default for ${machineName(elf.header.e_machine)}: ` +
      'name them with --region NAME=ORIGIN:LENGTH (e.g. --region FLASH=0x08000000:512K)',
  );
}

/**
 * Parses the ELF, resolves the windows and selects the bytes to program.
 * Throws the ELF reader's errors, UsageError for missing windows, and LayoutError when
 * segments conflict or nothing is left to write.
 */
export function planConversion(elfBytes: Uint8Array, options: ConvertOptions = {}): ConversionPlan {
  const elf = parseElf(elfBytes);
  const windows = resolveWindows(elf, options.windows);
  const selection = selectFlashBytes(elf, windows);
  if (elf.loadSegments.every((s) => s.fileSize === 0)) {
    throw new LayoutError('nothing to write: the ELF has no loadable segment with file bytes (PT_LOAD with p_filesz > 0)');
  }
  if (selection.image.isEmpty) {
    throw new LayoutError(`nothing to write: no loadable byte lies inside the flash windows (${windows.map((w) => w.name).join(', ')})`);
  }
  const format = typeof options.format === 'object' ? options.format : formatByName(options.format ?? 'hex');
  const entry = elf.header.e_entry;
  const startAddress = options.startAddress === null ? undefined : (options.startAddress ?? (entry !== 0 ? entry : undefined));
  return { elf, windows, selection, format, writeOptions: { ...options, startAddress } };
}

/** The output of a plan as chunks; the format checks its options before the first chunk. */
export function writePlan(plan: ConversionPlan, image: MemoryImage = plan.selection.image): Iterable<Uint8Array> {
  return plan.format.write(image, plan.writeOptions);
}

/** Converts an ELF in memory: the output file's bytes and the selection behind them. */
export function convert(elfBytes: Uint8Array, options: ConvertOptions = {}): { output: Uint8Array; plan: ConversionPlan } {
  const plan = planConversion(elfBytes, options);
  return { output: collectBytes(writePlan(plan)), plan };
}

/** The image cut at each window that holds kept bytes, for one file per window. */
export function splitByWindow(plan: ConversionPlan): { window: FlashWindow; image: MemoryImage }[] {
  return plan.windows
    .map((window) => ({ window, image: plan.selection.image.slice(window.start, window.end) }))
    .filter((part) => !part.image.isEmpty);
}
