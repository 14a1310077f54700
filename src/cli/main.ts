import type { Hash } from 'node:crypto';
import { existsSync, statSync, type Stats } from 'node:fs';
import { planConversion, splitByWindow, writePlan, type ConversionPlan, type ConvertOptions } from '../pipeline/convert.js';
import { aboutOption, inFile, IoError, UsageError } from '../errors.js';
import type { OutputFormat, SrecType } from '../write/format.js';
import { formatByName, formatForPath, outputFormats } from '../write/registry.js';
import { uf2FamilyId } from '../write/uf2-families.js';
import { strictFailures, type Finding } from '../findings/index.js';
import { analyse, inspectInput, type Analysis } from '../pipeline/inspect.js';
import { applyTransforms } from '../transform/transforms.js';
import { buildMemoryMap } from '../report/memory-map.js';
import { memoryMapSvg } from '../report/memory-map-svg.js';
import { reportHtml } from '../report/html-report.js';
import { parseInputSpec, readInput } from '../read/read-input.js';
import type { FirmwareInput } from '../read/input.js';
import { memorySource, type ByteSource } from '../byte-source.js';
import { parseChecksumSpec } from '../config/option-syntax.js';
import { parseAddress, parseNumber } from '../numbers.js';
import { stageOutputs } from './atomic-write.js';
import type { MemoryImage } from '../image/memory-image.js';
import { describeError, errorLine, EXIT } from './error-report.js';
import { findingsInCliWords } from './option-flags.js';
import { openInputFile, type OpenInput } from './file-source.js';
import { FilesRead, isSystemError, kindOf, systemText } from './files-read.js';
import { findingLines, inspectLines } from './inspect-view.js';
import { errorDocument, reportDocument, type OutputRecord, type ReportStatus } from './json-report.js';
import { COMMANDS, isStdinInput, parseCommandLine, type CommandLine } from './options.js';
import { erasedSectorsNote, summaryLines, type WrittenOutput } from './report.js';
import { resolveSettings, type CliArgs, type Settings } from './settings.js';
import { nearest } from '../config/option-table.js';
import { splitPath } from './split-path.js';
import { painter, terminalText } from './text.js';
// Imported, not read at run time: the bundle must run with no package.json beside it.
import packageJson from '../../package.json' with { type: 'json' };

/** What the CLI may touch of its surroundings; tests pass their own. */
export interface CliIo {
  /** Receives output written with `-o -`. */
  readonly stdout: NodeJS.WritableStream;
  /** Read for an input named `-`; default: none (such an input is then empty). */
  readonly stdin?: NodeJS.ReadableStream;
  readonly stderr: { write(text: string): unknown };
  /** Columns for help text. */
  readonly width: number;
  /** Whether each stream may be coloured (a terminal, NO_COLOR unset); default: neither. */
  readonly colour?: { readonly stdout: boolean; readonly stderr: boolean };
}

/**
 * Runs flashcut with `argv` (the arguments after the program name) and returns the exit
 * code. Never throws and never exits the process: every failure becomes one line on stderr.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let verbose = argv.includes('--verbose') || argv.includes('-v');
  let json = argv.includes('--json');
  let command: CliArgs['command'] = argv[0] === 'inspect' ? 'inspect' : 'convert';
  /** The run's settings once known: an error about an option's value is then placed where it was given. */
  const seen: { settings?: Settings } = {};
  try {
    const parsed = await parseCommandLine(argv, packageVersion, () => io.width);
    if (parsed.kind === 'print') {
      io.stdout.write(parsed.text + '\n');
      return EXIT.ok;
    }
    ({ command } = parsed.line);
    verbose = parsed.line.given.verbose ?? false;
    json = parsed.line.given.json ?? false;
    // The input files stay open while the run reads them (an ELF is read as needed).
    const opened: OpenInput[] = [];
    try {
      return parsed.line.command === 'inspect' ? await inspectFile(parsed.line, io, seen, opened) : await convertFile(parsed.line, io, seen, opened);
    } finally {
      for (const input of opened) input.close();
    }
  } catch (error) {
    const { exitCode, ...record } = describeError(error, seen.settings?.configPlaceOf);
    io.stderr.write(errorLine({ exitCode, ...record }) + '\n');
    if (verbose && record.kind === 'internal' && error instanceof Error && error.stack) io.stderr.write(error.stack + '\n');
    if (json) io.stdout.write(toJson(errorDocument({ version: packageVersion(), command, status: 'error', exitCode }, record)));
    return exitCode;
  }
}

/** `flashcut inspect`: the analysis as a table (or JSON) on standard output; exit 3 with --strict and findings. */
async function inspectFile(line: CommandLine, io: CliIo, seen: { settings?: Settings }, opened: OpenInput[]): Promise<number> {
  const spec = line.inputs[0] ?? '';
  const read = new FilesRead();
  if (isStdinInput(spec)) read.noteStandardInput();
  else read.note(pathOfInput(spec), 'the input file');
  const settings = (seen.settings = resolveSettings(line, pathOfInput(spec), read));
  const { args } = settings;
  const { path: inputPath, size, input } = await readInputFile(spec, args, io, opened);
  const analysis = findingsInCliWords(inspectInput(input, { windows: settings.windows, writeUnit: writeUnit(args) }));
  const failed = args.strict && strictFailures(analysis.findings).length > 0;
  const exitCode = failed ? EXIT.strict : EXIT.ok;
  await writeMapFiles(args, inputPath, analysis, read);
  if (args.json) {
    const run = { inputs: [{ path: inputPath, size, analysis }], image: analysis.selection.image, transforms: [], notes: [] };
    io.stdout.write(toJson(reportDocument(header(args, failed, exitCode), run, [])));
  } else {
    io.stdout.write(terminalText(inspectLines(inputPath, analysis, painter(io.colour?.stdout ?? false)), io.colour?.stdout ?? false));
  }
  return exitCode;
}

/**
 * inspect --html / --svg: the report and the memory map, with the fill the transform options
 * given (--pad-window, --fill-gaps, --align) would add.
 */
async function writeMapFiles(args: CliArgs, inputPath: string, analysis: Analysis, read: FilesRead): Promise<void> {
  if (args.html === undefined && args.svg === undefined) return;
  for (const path of [args.html, args.svg]) if (path !== undefined) checkOutputPath(path, read);
  const { image, transforms } = applyTransforms(analysis.selection.image, analysis.windows, {
    fill: optionValue('fill', args.fill, parseNumber),
    padWindows: args.padWindow,
    fillGaps: args.fillGaps,
    align: writeUnit(args),
  });
  const run = { inputs: [{ path: inputPath, analysis }], image, transforms };
  const files = [
    ...(args.svg === undefined ? [] : [{ path: args.svg, text: memoryMapSvg(buildMemoryMap(run)) + '\n' }]),
    ...(args.html === undefined ? [] : [{ path: args.html, text: reportHtml(run) }]),
  ];
  const staged = await systemErrorsNamed(() => stageOutputs(files.map((f) => ({ path: f.path, chunks: [new TextEncoder().encode(f.text)] }))));
  await systemErrorsNamed(() => staged.commit(() => undefined));
}

/** `flashcut INPUT... -o OUTPUT`: settings, outputs, inputs, the core's plan, --strict, then every output written or none. */
async function convertFile(line: CommandLine, io: CliIo, seen: { settings?: Settings }, opened: OpenInput[]): Promise<number> {
  checkCommandTypo(line.inputs[0]);
  const read = new FilesRead();
  for (const spec of line.inputs) {
    if (isStdinInput(spec)) read.noteStandardInput();
    else read.note(pathOfInput(spec), 'the input file');
  }
  const settings = (seen.settings = resolveSettings(line, pathOfInput(line.inputs[0] ?? ''), read));
  const { args } = settings;
  const targets = outputTargets(settings, read);
  const files: InputFile[] = [];
  for (const spec of args.inputs) files.push(await readInputFile(spec, args, io, opened));
  const plan = planConversion(
    files.map((f) => f.input),
    conversionOptions(settings, targets.map((t) => t.format)),
  );
  const run = runRecord(settings, plan, files);
  const findings = strictFailures(run.inputs.flatMap((i) => i.analysis.findings));
  // --strict: every error or warning fails the run before a byte is written (dropped padding makes no finding).
  if (args.strict && findings.length > 0) {
    reportRun(args, io, run, findings, 'strict', [])();
    if (!args.json) io.stderr.write(`flashcut: --strict: ${findings.length} finding(s); nothing written\n`);
    return EXIT.strict;
  }
  const parts = outputParts(plan, targets, args.split, read);
  await writeOutputs(parts, plan, args, (written) => reportRun(args, io, run, findings, 'ok', written), io);
  return EXIT.ok;
}

interface OutputTarget {
  readonly path: string;
  readonly format: OutputFormat;
}

/**
 * The outputs and their formats (from --format or each name's extension), refused before any
 * input is read when a path cannot be written (a folder, a file read) or a stream cannot
 * take it. The rules of the formats themselves are the core's.
 */
function outputTargets(settings: Settings, read: FilesRead): OutputTarget[] {
  const { args, outputs } = settings;
  if (outputs === undefined) throw new UsageError('no output file: give -o OUTPUT (or -o - for standard output), or "output" in the project configuration');
  for (const path of outputs) if (path !== '-') checkOutputPath(path, read);
  if (args.inputs.filter(isStdinInput).length > 1) throw new UsageError("standard input can be read once: name '-' as one input only");
  if (args.json && outputs.includes('-')) {
    throw new UsageError('--json prints the report on standard output: write the image to a file (-o FILE)');
  }
  if (args.split && outputs.includes('-')) throw new UsageError('--split writes one BIN file per window: it needs an output file, not standard output');
  if (args.split) for (const path of outputs) refuseSplitBesideSpecialFile(path);
  return outputs.map((path) => ({ path, format: chooseFormat(settings.format, path) }));
}

/** What the summary and --json report of a conversion: each input's analysis, the image, the transforms, the notes. */
function runRecord(settings: Settings, plan: ConversionPlan, files: readonly InputFile[]) {
  const notes = [...settings.notes, ...plan.notes];
  if (plan.dfuse) notes.push(erasedSectorsNote(plan.dfuse, plan.image));
  // --align pads every run to whole write units, so the write-unit check has nothing left to find.
  const inputs = plan.inputs.map(({ input, selection }, i) => ({
    path: files[i]?.path ?? input.name,
    size: files[i]?.size ?? 0,
    analysis: findingsInCliWords(analyse(input, selection, { ramRegions: plan.ram, checksums: plan.transforms.flatMap((t) => (t.kind === 'checksum' ? [t] : [])) })),
  }));
  return { inputs, image: plan.image, transforms: plan.transforms, notes };
}

/** The report of the run, made before any output is put in place (making it can fail); the function returned prints it. */
function reportRun(
  args: CliArgs,
  io: CliIo,
  run: ReturnType<typeof runRecord>,
  findings: readonly Finding[],
  status: 'ok' | 'strict',
  outputs: readonly (WrittenOutput & OutputRecord)[],
): () => void {
  const exitCode = status === 'strict' ? EXIT.strict : EXIT.ok;
  if (args.json) {
    const text = toJson(reportDocument(header(args, status === 'strict', exitCode), run, outputs));
    return () => io.stdout.write(text);
  }
  // Quiet prints errors only: the findings that failed the run, or else the error findings.
  const quietFindings = status === 'strict' ? findings : findings.filter((f) => f.severity === 'error');
  const lines = !args.quiet
    ? summaryLines(run, outputs, painter(io.colour?.stderr ?? false))
    : quietFindings.length > 0
      ? findingLines(quietFindings, painter(io.colour?.stderr ?? false), 'short')
      : undefined;
  const text = lines === undefined ? '' : terminalText(lines, io.colour?.stderr ?? false);
  return () => {
    if (text !== '') io.stderr.write(text);
  };
}

interface OutputPart extends OutputTarget {
  readonly image: MemoryImage;
}

/** Each output's image: the whole plan, or with --split one file per window that holds bytes (named after it). */
function outputParts(plan: ConversionPlan, targets: readonly OutputTarget[], split: boolean, read: FilesRead): OutputPart[] {
  const parts = targets.flatMap(({ path, format }) =>
    split ? splitByWindow(plan).map(({ window, image }) => ({ path: splitPath(path, window.name), image, format })) : [{ path, image: plan.image, format }],
  );
  for (const { path } of parts) if (path !== '-') checkOutputPath(path, read);
  return parts;
}

/**
 * Writes every output or none: each is staged (the writers check their options before the
 * first byte), the report made by `report` from what was staged, then all are put in place
 * and the report printed.
 */
async function writeOutputs(
  parts: readonly OutputPart[],
  plan: ConversionPlan,
  args: CliArgs,
  report: (written: (WrittenOutput & OutputRecord)[]) => () => void,
  io: CliIo,
): Promise<void> {
  // Only --json reports the digest, and hashing costs about 1.2 s per GB of output; node:crypto
  // is loaded only then (getBuiltinModule: bin/ runs the bundle as a vm.Script, where a dynamic import() throws).
  const crypto = args.json ? process.getBuiltinModule('node:crypto') : undefined;
  // A limit of the output's format is that output's: the error names it.
  const pending = parts.map((part) => {
    const chunks = inFile(part.path, () => writePlan({ ...plan, format: part.format }, part.image));
    const hash = crypto?.createHash('sha256');
    return { ...part, hash, chunks: hash ? hashed(chunks, hash) : chunks };
  });
  // Every output is staged, special files and standard output written, and the report made before the first rename.
  const staged = await systemErrorsNamed(() => stageOutputs(pending.map((p) => (p.path === '-' ? { stream: io.stdout, chunks: p.chunks } : { path: p.path, chunks: p.chunks }))));
  const print = await systemErrorsNamed(() =>
    staged.commit((sizes) =>
      report(
        pending.map((part, i) => ({
          path: part.path === '-' ? '(standard output)' : part.path,
          title: part.format.title,
          format: part.format.name,
          size: sizes[i] ?? 0,
          ...(part.hash ? { sha256: part.hash.digest('hex') } : {}),
          start: part.image.start ?? 0,
          end: part.image.end ?? 0,
        })),
      ),
    ),
  );
  print();
}

/** The chunks unchanged, fed to `hash` on the way through; what the consumer passes to next() goes on to the writer (ChunkPool). */
function* hashed(chunks: Iterable<Uint8Array>, hash: Hash): Generator<Uint8Array, void, unknown> {
  const iterator = chunks[Symbol.iterator]();
  for (let step = iterator.next(); step.done !== true; ) {
    hash.update(step.value);
    step = iterator.next(yield step.value);
  }
}

interface InputFile {
  readonly path: string;
  /** Bytes in the file. */
  readonly size: number;
  readonly input: FirmwareInput;
}

/** How messages and the summary name an input read from standard input. */
const STDIN_NAME = '(standard input)';

/** The file an input names: `app.bin@0x08004000` is app.bin, `-` standard input. */
function pathOfInput(spec: string): string {
  return isStdinInput(spec) ? STDIN_NAME : parseInputSpec(spec).path;
}

/** An input named on the command line (`app.elf`, `app.bin@0x08004000`, `-`), opened (added to `opened`) and parsed. */
async function readInputFile(spec: string, args: CliArgs, io: CliIo, opened: OpenInput[]): Promise<InputFile> {
  const { path, base } = isStdinInput(spec) ? { path: STDIN_NAME, base: spec === '-' ? undefined : parseInputSpec(`stdin${spec.slice(1)}`).base } : parseInputSpec(spec);
  const source = path === STDIN_NAME ? memorySource(await readStream(io.stdin)) : open(path, opened);
  return { path, size: source.size, input: readInput(source, { name: path, format: args.inputFormat, base }) };
}

function open(path: string, opened: OpenInput[]): ByteSource {
  const input = openInputFile(path);
  opened.push(input);
  return input.source;
}

async function readStream(stream: NodeJS.ReadableStream | undefined): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  if (stream) for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** The library options of a run, from its settings: the command line translates, the core applies every rule. */
export function conversionOptions(settings: Settings, formats: readonly OutputFormat[]): ConvertOptions {
  const { args } = settings;
  return {
    windows: settings.windows,
    format: formats,
    startAddress: startAddressOf(args.startAddress),
    overlap: args.overlap,
    padWindows: args.padWindow,
    fillGaps: args.fillGaps,
    align: writeUnit(args),
    checksums: args.crc.map(parseChecksumSpec),
    recordLength: args.recordLength,
    eol: args.eol,
    base: optionValue('base', args.base, parseAddress),
    fill: optionValue('fill', settings.fill, parseNumber),
    padTo: optionValue('padTo', args.padTo, parseAddress),
    maxGap: optionValue('maxGap', args.maxGap, parseNumber),
    srecHeader: args.srecHeader,
    srecType: args.srecType === undefined ? undefined : (Number(args.srecType) as SrecType),
    dfuAlt: args.dfuAlt,
    dfuTargetName: args.dfuTargetName,
    dfuVendor: optionValue('dfuVendor', args.dfuVid, parseNumber),
    dfuProduct: optionValue('dfuProduct', args.dfuPid, parseNumber),
    dfuDevice: optionValue('dfuDevice', args.dfuDevice, parseNumber),
    uf2Family: optionValue('uf2Family', args.uf2Family, uf2FamilyId),
    split: args.split,
  };
}

/** `--start-address 0x08000101` or `none`; --no-start-address is none; undefined keeps the first input's. */
function startAddressOf(option: string | false | undefined): number | null | undefined {
  if (option === undefined) return undefined;
  if (option === false || option.toLowerCase() === 'none') return null;
  return optionValue('startAddress', option, parseAddress);
}

/** The write unit --align gives; the core refuses one that is not a power of two. */
function writeUnit(args: CliArgs): number | undefined {
  return optionValue('align', args.align, parseNumber);
}

/**
 * The value of the library option `option` from its text, or undefined without one. An error
 * names the option (`options.base`), which the report shows as the flag or configuration key
 * that gave it.
 */
function optionValue<T>(option: string, text: string | undefined, parse: (text: string, what: string) => T): T | undefined {
  return text === undefined ? undefined : aboutOption(option, () => parse(text, `options.${option}`));
}

function header(args: CliArgs, failed: boolean, exitCode: number): { version: string; command: CliArgs['command']; status: ReportStatus; exitCode: number } {
  return { version: packageVersion(), command: args.command, status: failed ? 'strict-failure' : 'ok', exitCode };
}

function toJson(document: object): string {
  return JSON.stringify(document, null, 2) + '\n';
}

function chooseFormat(name: string | undefined, target: string): OutputFormat {
  if (name !== undefined) return formatByName(name);
  if (target === '-') return formatByName('hex');
  const format = formatForPath(target);
  if (!format) {
    const extensions = Object.values(outputFormats).flatMap((f) => f.extensions);
    throw new UsageError(`cannot tell the output format from '${target}': use a name ending in ${extensions.join(' ')}, or --format`);
  }
  return format;
}

/** Refuses an output that is a folder or one of the files read (an input, the linker script, ...). */
function checkOutputPath(target: string, read: FilesRead): void {
  if (statOrUndefined(target)?.isDirectory()) throw new UsageError(`output '${target}' is a folder: give a file name`);
  read.refuseOverwriting(target);
}

/** --split names its files after the output: beside a device or FIFO (`/dev/null.FLASH`) they would be new files in a system folder. */
function refuseSplitBesideSpecialFile(target: string): void {
  const stats = statOrUndefined(target);
  if (stats && !stats.isFile() && !stats.isDirectory()) {
    throw new UsageError(`--split names one BIN file per window after the output, and '${target}' is ${kindOf(stats)}: give a file name`);
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** A first input that does not exist and is named like a command (`inpsect`) is a typo'd command. */
function checkCommandTypo(spec: string | undefined): void {
  const command = spec === undefined ? undefined : nearest(spec, COMMANDS);
  if (command !== undefined && !existsSync(spec ?? '')) {
    throw new UsageError(`${spec}: no such input file, and no such command: did you mean 'flashcut ${command}'?`);
  }
}

/** Runs an output step; a system error (which names the output, not its temporary twin) becomes an IoError. */
async function systemErrorsNamed<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (isSystemError(error)) throw new IoError(`cannot write it: ${systemText(error)}`, { file: error.path });
    throw error;
  }
}

function packageVersion(): string {
  return packageJson.version;
}
