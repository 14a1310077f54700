import { EM_ARM, machineName } from '../read/elf/constants.js';
import { findSymbol } from '../read/elf/symbols.js';
import { badOption, LayoutError, UsageError } from '../errors.js';
import { collectBytes, fillByte, type OutputFormat, type WriteOptions } from '../write/format.js';
import { formatByName } from '../write/registry.js';
import type { ChecksumRequest, ChecksumSpec } from '../transform/insert-checksum.js';
import { whereTheBytesAre } from '../findings/nothing-kept.js';
import { MemoryImage } from '../image/memory-image.js';
import { mergeImages, type OverlapPolicy } from '../select/merge.js';
import { selectFlashBytes, selectPieces, type Selection } from '../select/select.js';
import { applyTransforms, type TransformOptions, type TransformRecord } from '../transform/transforms.js';
import { checkWindowNames, CORTEX_M_CODE_REGION, WHOLE_ADDRESS_SPACE, type FlashWindow } from '../windows/window.js';
import type { FirmwareInput } from '../read/input.js';
import { readInput } from '../read/read-input.js';
import { assertWritable, dfuseWindows, parseDfuseLayout, type DfuseLayout } from '../windows/dfuse-layout.js';

export interface ConvertOptions extends Omit<WriteOptions, 'startAddress'>, Omit<TransformOptions, 'checksums'> {
  /**
   * Flash windows; default: the Cortex-M code region for an ARM ELF, an error for any other
   * machine, and the whole 32-bit address space for HEX, S-record and BIN inputs.
   */
  readonly windows?: readonly FlashWindow[] | undefined;
  /** Output format name (`hex`, `bin`, ...) or a format object; default `hex`. */
  readonly format?: string | OutputFormat | undefined;
  /**
   * Start address to record; default the first input's (e_entry unless 0, HEX 03/05,
   * S-record S7-S9); `null` for none.
   */
  readonly startAddress?: number | null | undefined;
  /** Where several inputs put bytes at one address (default `error`, unless the bytes are identical). */
  readonly overlap?: OverlapPolicy | undefined;
  /** Checksums to insert, last; a place given as a symbol name is looked up in the ELF inputs. */
  readonly checksums?: readonly ChecksumSpec[] | undefined;
  /**
   * The DfuSe layout of the target (text as dfu-util shows it, or parsed): its writable sectors are
   * the windows unless `windows` are given, and bytes in any other of its sectors are refused.
   */
  readonly dfuseLayout?: string | DfuseLayout | undefined;
  /** One BIN per window (splitByWindow): the format must be BIN and the windows must not overlap. */
  readonly split?: boolean | undefined;
}

/** One input and what the conversion keeps of it. */
export interface InputSelection {
  readonly input: FirmwareInput;
  readonly selection: Selection;
}

/** Everything a conversion decided, before any output byte is produced. */
export interface ConversionPlan {
  readonly inputs: readonly InputSelection[];
  /** The windows of the first input (the ones given, or its default). */
  readonly windows: readonly FlashWindow[];
  /** What is written: the inputs' kept bytes merged, then padded, aligned and checksummed. */
  readonly image: MemoryImage;
  /** What each transform added or wrote, in the order applied. */
  readonly transforms: readonly TransformRecord[];
  readonly format: OutputFormat;
  readonly writeOptions: WriteOptions;
}

/**
 * The windows to use: the given ones, or the default for the input: an ELF's machine, or the
 * whole address space for an input that already is a flash image (objcopy and srec_cat pass
 * such files through unchanged too). Throws UsageError if there is none.
 */
export function windowsForInput(input: FirmwareInput, windows: readonly FlashWindow[] | undefined): readonly FlashWindow[] {
  if (windows && windows.length > 0) {
    checkWindowNames(windows);
    return windows;
  }
  if (input.format !== 'elf') return [WHOLE_ADDRESS_SPACE];
  const machine = input.elf.header.e_machine;
  if (machine === EM_ARM) return [CORTEX_M_CODE_REGION];
  throw new UsageError(
    `no flash windows given, and there is no default for ${machineName(machine)} (${input.name}): ` +
      'name them in options.windows (e.g. FLASH=0x08000000:512K)',
  );
}

/**
 * Reads the inputs (bytes are read as readInput detects them: ELF, Intel HEX or S-record),
 * keeps each one's bytes inside the windows, merges them, and applies the transforms.
 * Throws the input readers' errors, UsageError for missing windows or bad options, and
 * LayoutError when inputs conflict, a checksum cannot be placed, or nothing is left to write.
 */
export function planConversion(inputs: Uint8Array | FirmwareInput | readonly FirmwareInput[], options: ConvertOptions = {}): ConversionPlan {
  const firmware: readonly FirmwareInput[] = inputs instanceof Uint8Array ? [readInput(inputs)] : 'format' in inputs ? [inputs] : inputs;
  const first = firmware[0];
  if (!first) throw new UsageError('no input to convert');
  // The fill value serves the BIN and UF2 writers and every transform: check it once, for all.
  fillByte({ fill: options.fill });
  const layout = typeof options.dfuseLayout === 'string' ? parseDfuseLayout(options.dfuseLayout) : options.dfuseLayout;
  const given = options.windows ?? (layout ? dfuseWindows(layout, 'options.dfuseLayout') : undefined);
  const selected = firmware.map((input) => ({ input, selection: selectInput(input, windowsForInput(input, given)) }));
  for (const { input } of selected) {
    if (input.format === 'elf' && input.elf.loadSegments.every((s) => s.fileSize === 0)) {
      throw new LayoutError(`nothing to write: ${input.name} has no loadable segment with file bytes (PT_LOAD with p_filesz > 0)`);
    }
  }
  const windows = windowsForInput(first, given);
  // With several inputs, every origin names its file, so that a conflict names both.
  const images = selected.map(({ input, selection }) => (selected.length > 1 && input.format === 'elf' ? named(selection.image, input.name) : selection.image));
  const merged = mergeImages(images, options.overlap);
  if (merged.isEmpty) {
    const where = whereTheBytesAre(selected.map(({ input, selection }) => ({ selection, startAddress: input.startAddress })));
    throw new LayoutError(`nothing to write: no loadable byte lies inside the flash windows (${windows.map((w) => w.name).join(', ')})${where}`);
  }
  const { image, transforms } = applyTransforms(merged, windows, {
    ...options,
    checksums: (options.checksums ?? []).map((spec) => checksumRequest(spec, firmware)),
  });
  const format = typeof options.format === 'object' ? options.format : formatByName(options.format ?? 'hex');
  if (options.split) checkSplit(format, windows);
  if (layout) {
    // Bytes dropped for lying in a sector that is not writable are refused, not silently left out.
    const dropped = selected.flatMap(({ selection }) => selection.dropped.filter((d) => d.reason === 'outside-windows'));
    assertWritable(layout, [...dropped, ...image.ranges().map((r) => ({ ...r, sections: [] }))]);
  }
  const startAddress = options.startAddress === null ? undefined : (options.startAddress ?? first.startAddress);
  return { inputs: selected, windows, image, transforms, format, writeOptions: { ...options, startAddress } };
}

/** One BIN per window: each window's bytes go to one file only, so windows must not overlap. */
function checkSplit(format: OutputFormat, windows: readonly FlashWindow[]): void {
  if (format.name !== 'bin') throw new UsageError(`options.split writes one BIN file per window, not ${format.title}`, { option: 'split' });
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  sorted.forEach((w, i) => {
    const next = sorted[i + 1];
    if (next && next.start < w.end) throw new UsageError(`options.split: windows ${w.name} and ${next.name} overlap, so their files would share bytes`, { option: 'split' });
  });
}

/** The output of a plan as chunks; the format checks its options before the first chunk. */
export function writePlan(plan: ConversionPlan, image: MemoryImage = plan.image): Iterable<Uint8Array> {
  return plan.format.write(image, plan.writeOptions);
}

/** Converts inputs in memory: the output file's bytes and the plan behind them. */
export function convert(inputs: Uint8Array | FirmwareInput | readonly FirmwareInput[], options: ConvertOptions = {}): { output: Uint8Array; plan: ConversionPlan } {
  const plan = planConversion(inputs, options);
  return { output: collectBytes(writePlan(plan)), plan };
}

/** The image cut at each window that holds bytes, for one file per window. */
export function splitByWindow(plan: ConversionPlan): { window: FlashWindow; image: MemoryImage }[] {
  return plan.windows
    .map((window) => ({ window, image: plan.image.slice(window.start, window.end) }))
    .filter((part) => !part.image.isEmpty);
}

/** What a conversion keeps of an input: an ELF by segment and section, an image input piece by piece. */
export function selectInput(firmware: FirmwareInput, windows: readonly FlashWindow[]): Selection {
  return firmware.format === 'elf' ? selectFlashBytes(firmware.elf, windows) : selectPieces(firmware.pieces, windows);
}

function named(image: MemoryImage, name: string): MemoryImage {
  return MemoryImage.from(image.chunks.map((c) => ({ ...c, origin: `${name} ${c.origin}` })));
}

/** A checksum place given as a symbol becomes the symbol's load address in the first ELF input defining it. */
function checksumRequest(spec: ChecksumSpec, inputs: readonly FirmwareInput[]): ChecksumRequest {
  if (typeof spec.where === 'number') return { ...spec, address: spec.where };
  for (const input of inputs) {
    const symbol = input.format === 'elf' ? findSymbol(input.elf, spec.where) : undefined;
    if (symbol) return { ...spec, address: symbol.lma };
  }
  throw badOption('checksums', `${spec.algorithm.name}@${spec.where}`, `no ELF input defines the symbol ${spec.where}`);
}
