import { EM_ARM, machineName } from './elf/constants.js';
import { LayoutError, UsageError } from './errors.js';
import { collectBytes, type OutputFormat, type WriteOptions } from './formats/format.js';
import { formatByName } from './formats/registry.js';
import type { MemoryImage } from './image/memory-image.js';
import { selectFlashBytes, selectPieces, type Selection } from './image/select.js';
import { CORTEX_M_CODE_REGION, WHOLE_ADDRESS_SPACE, type FlashWindow } from './image/windows.js';
import type { FirmwareInput } from './inputs/input.js';
import { readInput } from './inputs/read.js';

export interface ConvertOptions extends Omit<WriteOptions, 'startAddress'> {
  /**
   * Flash windows; default: the Cortex-M code region for an ARM ELF, an error for any other
   * machine, and the whole 32-bit address space for HEX, S-record and BIN inputs.
   */
  readonly windows?: readonly FlashWindow[] | undefined;
  /** Output format name (`hex`, `bin`, ...) or a format object; default `hex`. */
  readonly format?: string | OutputFormat | undefined;
  /** Start address to record; default the input's (e_entry unless 0, HEX 03/05, S-record S7-S9); `null` for none. */
  readonly startAddress?: number | null | undefined;
}

/** Everything a conversion decided, before any output byte is produced. */
export interface ConversionPlan {
  readonly input: FirmwareInput;
  readonly windows: readonly FlashWindow[];
  readonly selection: Selection;
  readonly format: OutputFormat;
  readonly writeOptions: WriteOptions;
}

/**
 * The windows to use: the given ones, or the default for the input: an ELF's machine, or the
 * whole address space for an input that already is a flash image (objcopy and srec_cat pass
 * such files through unchanged too). Throws UsageError if there is none.
 */
export function resolveWindows(input: FirmwareInput, windows: readonly FlashWindow[] | undefined): readonly FlashWindow[] {
  if (windows && windows.length > 0) return windows;
  if (input.format !== 'elf') return [WHOLE_ADDRESS_SPACE];
  const machine = input.elf.header.e_machine;
  if (machine === EM_ARM) return [CORTEX_M_CODE_REGION];
  throw new UsageError(
    `no flash windows given, and there is no default for ${machineName(machine)}: ` +
      'name them with --region NAME=ORIGIN:LENGTH (e.g. --region FLASH=0x08000000:512K)',
  );
}

/**
 * Reads the input (bytes are read as readInput detects them: ELF, Intel HEX or S-record),
 * resolves the windows and selects the bytes to program. Throws the input readers' errors,
 * UsageError for missing windows, and LayoutError when pieces conflict or nothing is left.
 */
export function planConversion(input: Uint8Array | FirmwareInput, options: ConvertOptions = {}): ConversionPlan {
  const firmware = input instanceof Uint8Array ? readInput(input) : input;
  const windows = resolveWindows(firmware, options.windows);
  const selection = selectInput(firmware, windows);
  if (firmware.format === 'elf' && firmware.elf.loadSegments.every((s) => s.fileSize === 0)) {
    throw new LayoutError('nothing to write: the ELF has no loadable segment with file bytes (PT_LOAD with p_filesz > 0)');
  }
  if (selection.image.isEmpty) {
    throw new LayoutError(`nothing to write: no loadable byte lies inside the flash windows (${windows.map((w) => w.name).join(', ')})`);
  }
  const format = typeof options.format === 'object' ? options.format : formatByName(options.format ?? 'hex');
  const startAddress = options.startAddress === null ? undefined : (options.startAddress ?? firmware.startAddress);
  return { input: firmware, windows, selection, format, writeOptions: { ...options, startAddress } };
}

/** The output of a plan as chunks; the format checks its options before the first chunk. */
export function writePlan(plan: ConversionPlan, image: MemoryImage = plan.selection.image): Iterable<Uint8Array> {
  return plan.format.write(image, plan.writeOptions);
}

/** Converts an input in memory: the output file's bytes and the selection behind them. */
export function convert(input: Uint8Array | FirmwareInput, options: ConvertOptions = {}): { output: Uint8Array; plan: ConversionPlan } {
  const plan = planConversion(input, options);
  return { output: collectBytes(writePlan(plan)), plan };
}

/** The image cut at each window that holds kept bytes, for one file per window. */
export function splitByWindow(plan: ConversionPlan): { window: FlashWindow; image: MemoryImage }[] {
  return plan.windows
    .map((window) => ({ window, image: plan.selection.image.slice(window.start, window.end) }))
    .filter((part) => !part.image.isEmpty);
}

/** What a conversion keeps of an input: an ELF by segment and section, an image input piece by piece. */
export function selectInput(firmware: FirmwareInput, windows: readonly FlashWindow[]): Selection {
  return firmware.format === 'elf' ? selectFlashBytes(firmware.elf, windows) : selectPieces(firmware.pieces, windows);
}
