import { EM_ARM, machineName } from '../read/elf/constants.js';
import { findSymbol } from '../read/elf/symbols.js';
import { badOption, LayoutError, UsageError } from '../errors.js';
import { collectBytes, fillByte, type OutputFormat, type WriteOptions } from '../write/format.js';
import { formatByName } from '../write/registry.js';
import type { ChecksumRequest, ChecksumSpec } from '../transform/insert-checksum.js';
import { whereTheBytesAre } from '../findings/nothing-kept.js';
import { MemoryImage, renamed } from '../image/memory-image.js';
import { mergeImages, type OverlapPolicy } from '../select/merge.js';
import { selectFlashBytes, selectPieces, type Selection } from '../select/select.js';
import { applyTransforms, type TransformOptions, type TransformRecord } from '../transform/transforms.js';
import { checkWindowNames, CORTEX_M_CODE_REGION, WHOLE_ADDRESS_SPACE, type FlashWindow } from '../windows/window.js';
import type { FirmwareInput } from '../read/input.js';
import { readInput } from '../read/read-input.js';
import { assertWritable, type DfuseLayout } from '../windows/dfuse-layout.js';
import { windowsFrom, type WindowSource } from './window-source.js';
import { nearest } from '../config/option-table.js';

/** An output format: its name (`hex`, `bin`, ...) or a format object. */
export type FormatChoice = string | OutputFormat;

export interface ConvertOptions extends Omit<WriteOptions, 'startAddress'>, Omit<TransformOptions, 'checksums'> {
  /**
   * Where the flash windows come from (see WindowSource); a list of windows is a `regions`
   * source. Default: the input's, the Cortex-M code region for an ARM ELF, an error for any
   * other machine, and the whole 32-bit address space for HEX, S-record and BIN inputs.
   */
  readonly windows?: readonly FlashWindow[] | WindowSource | undefined;
  /**
   * The output format, default `hex`; a list when the same plan is written in several formats
   * (the first is the plan's `format`; the options must suit every one of them, and `base`,
   * `padTo` and `maxGap` need a BIN among them).
   */
  readonly format?: FormatChoice | readonly FormatChoice[] | undefined;
  /**
   * Start address to record; default the first input's (e_entry unless 0, HEX 03/05,
   * S-record S7-S9); `null` for none.
   */
  readonly startAddress?: number | null | undefined;
  /** Where several inputs put bytes at one address (default `error`, unless the bytes are identical). */
  readonly overlap?: OverlapPolicy | undefined;
  /** Checksums to insert, last; a place given as a symbol name is looked up in the ELF inputs. */
  readonly checksums?: readonly ChecksumSpec[] | undefined;
  /** One BIN per window (splitByWindow): every format must be BIN and the windows must not overlap. */
  readonly split?: boolean | undefined;
}

/** Every option's name, so that a misspelt one (`recordLenght`) is refused rather than silently ignored, as the command line refuses it. */
const OPTION_NAMES: { readonly [K in keyof Required<ConvertOptions>]: true } = {
  windows: true, format: true, startAddress: true, overlap: true, checksums: true, split: true,
  recordLength: true, eol: true, base: true, fill: true, padTo: true, maxGap: true, srecHeader: true, srecType: true,
  dfuAlt: true, dfuTargetName: true, dfuVendor: true, dfuProduct: true, dfuDevice: true, uf2Family: true,
  padWindows: true, fillGaps: true, align: true,
};

function refuseUnknownOptions(options: ConvertOptions): void {
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(OPTION_NAMES, key)) continue;
    const meant = nearest(key, Object.keys(OPTION_NAMES));
    throw new UsageError(`options.${key} is not a conversion option${meant ? `: did you mean options.${meant}?` : ''}`, { option: key });
  }
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
  /** The DfuSe layout the windows came from, if they did: its other sectors hold no byte of the image. */
  readonly dfuse: DfuseLayout | undefined;
  /** RAM regions the window source knows (a linker script's writable regions), for the checks. */
  readonly ram: readonly FlashWindow[] | undefined;
  /** What the window source left out, a line each (linker script regions). */
  readonly notes: readonly string[];
  /** What is written: the inputs' kept bytes merged, then padded, aligned and checksummed. */
  readonly image: MemoryImage;
  /** What each transform added or wrote, in the order applied. */
  readonly transforms: readonly TransformRecord[];
  /** The first output format; `formats` holds them all. */
  readonly format: OutputFormat;
  readonly formats: readonly OutputFormat[];
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
 * keeps each one's bytes inside the windows of the window source, merges them, applies the
 * transforms, and checks every rule of the options: the output options against the formats,
 * split, the DfuSe layout's writable sectors, the overlap policy. Throws the input and window
 * source readers' errors, UsageError for missing windows or options that do not fit, and
 * LayoutError when inputs conflict, a checksum cannot be placed, a byte falls in a DfuSe sector
 * that is not writable, or nothing is left to write.
 */
export function planConversion(inputs: Uint8Array | FirmwareInput | readonly FirmwareInput[], options: ConvertOptions = {}): ConversionPlan {
  const firmware = inputList(inputs);
  const first = firmware[0];
  if (!first) throw new UsageError('no input to convert');
  refuseUnknownOptions(options);
  const formats = formatsOf(options.format);
  checkOutputOptions(options, formats);
  const source = windowsFrom(options.windows);
  const selected = firmware.map((input) => ({ input, selection: selectInput(input, windowsForInput(input, source.windows)) }));
  refuseElfWithoutFileBytes(selected);
  const windows = windowsForInput(first, source.windows);
  if (options.split) checkSplitWindows(windows);
  const merged = mergeSelections(selected, windows, options.overlap);
  const { image, transforms } = applyTransforms(merged, windows, {
    ...options,
    checksums: (options.checksums ?? []).map((spec) => checksumRequest(spec, firmware)),
  });
  if (source.dfuse) refuseUnwritableSectors(source.dfuse, selected, image);
  const startAddress = options.startAddress === null ? undefined : (options.startAddress ?? first.startAddress);
  const format = formats[0] as OutputFormat;
  return { inputs: selected, windows, dfuse: source.dfuse, ram: source.ram, notes: source.notes, image, transforms, format, formats, writeOptions: { ...options, startAddress } };
}

function inputList(inputs: Uint8Array | FirmwareInput | readonly FirmwareInput[]): readonly FirmwareInput[] {
  return inputs instanceof Uint8Array ? [readInput(inputs)] : 'format' in inputs ? [inputs] : inputs;
}

function formatsOf(choice: ConvertOptions['format']): OutputFormat[] {
  const choices: readonly FormatChoice[] = choice === undefined ? ['hex'] : typeof choice === 'string' || !Array.isArray(choice) ? [choice as FormatChoice] : choice;
  if (choices.length === 0) throw new UsageError('options.format: no output format given');
  return choices.map((c) => (typeof c === 'string' ? formatByName(c) : c));
}

/**
 * The options that shape an output must suit the formats: the fill value is a byte (it serves
 * the BIN and UF2 writers and every transform), `base`, `padTo` and `maxGap` shape a BIN and so
 * need one, `split` writes BIN files only. Checked before any input byte is selected.
 */
function checkOutputOptions(options: ConvertOptions, formats: readonly OutputFormat[]): void {
  fillByte({ fill: options.fill });
  const binOnly = (['base', 'padTo', 'maxGap'] as const).filter((name) => options[name] !== undefined);
  if (binOnly.length > 0 && !formats.some((f) => f.name === 'bin')) {
    throw new UsageError(
      `${binOnly.map((name) => `options.${name}`).join(', ')} ${binOnly.length === 1 ? 'shapes' : 'shape'} a BIN file, and no output is BIN (for HEX and the others use options.padWindows, options.fillGaps)`,
      { option: binOnly[0] },
    );
  }
  const notBin = formats.find((f) => f.name !== 'bin');
  if (options.split && notBin) throw new UsageError(`options.split writes one BIN file per window, not ${notBin.title}`, { option: 'split' });
}

/** An ELF input whose segments hold no file byte has nothing to convert, whatever the windows. */
function refuseElfWithoutFileBytes(selected: readonly InputSelection[]): void {
  for (const { input } of selected) {
    if (input.format === 'elf' && input.elf.loadSegments.every((s) => s.fileSize === 0)) {
      throw new LayoutError('nothing to write: no loadable segment has file bytes (PT_LOAD with p_filesz > 0)', { file: input.name });
    }
  }
}

/** One BIN per window: each window's bytes go to one file only, so windows must not overlap. */
function checkSplitWindows(windows: readonly FlashWindow[]): void {
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  sorted.forEach((w, i) => {
    const next = sorted[i + 1];
    if (next && next.start < w.end) throw new UsageError(`options.split: windows ${w.name} and ${next.name} overlap, so their files would share bytes`, { option: 'split' });
  });
}

/**
 * The kept bytes of every input merged under the overlap policy; with several inputs every
 * origin names its file, so that a conflict names both. Throws LayoutError when nothing is kept.
 */
function mergeSelections(selected: readonly InputSelection[], windows: readonly FlashWindow[], overlap: OverlapPolicy | undefined): MemoryImage {
  const images = selected.map(({ input, selection }) => (selected.length > 1 && input.format === 'elf' ? named(selection.image, input.name) : selection.image));
  const merged = mergeImages(images, overlap);
  if (merged.isEmpty) {
    const where = whereTheBytesAre(selected.map(({ input, selection }) => ({ selection, startAddress: input.startAddress })));
    throw new LayoutError(`nothing to write: no loadable byte lies inside the flash windows (${windows.map((w) => w.name).join(', ')})${where}`);
  }
  return merged;
}

/** Bytes dropped for lying in a DfuSe sector that is not writable are refused, not silently left out; so are image bytes there. */
function refuseUnwritableSectors(layout: DfuseLayout, selected: readonly InputSelection[], image: MemoryImage): void {
  const dropped = selected.flatMap(({ selection }) => selection.dropped.filter((d) => d.reason === 'outside-windows'));
  assertWritable(layout, [...dropped, ...image.ranges().map((r) => ({ ...r, sections: [] }))]);
}

/** The output of a plan as chunks; the format checks its options before the first chunk. */
export function writePlan(plan: ConversionPlan, image: MemoryImage = plan.image): Iterable<Uint8Array> {
  return plan.format.write(image, plan.writeOptions);
}

/**
 * Converts inputs in memory: the output file's bytes and the plan behind them. Throws
 * UsageError for `split`, which makes one file per window: use planConversion, splitByWindow
 * and writePlan for those.
 */
export function convert(inputs: Uint8Array | FirmwareInput | readonly FirmwareInput[], options: ConvertOptions = {}): { output: Uint8Array; plan: ConversionPlan } {
  if (options.split) {
    throw new UsageError('options.split makes one file per window, and convert returns one: call planConversion, then writePlan for each part of splitByWindow', { option: 'split' });
  }
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
  return MemoryImage.from(image.chunks.map((c) => renamed(c, `${name} ${c.origin}`)));
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
