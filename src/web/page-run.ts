import { FlashcutError, IoError, UsageError } from '../errors.js';
import { planConversion, splitByWindow, writePlan } from '../pipeline/convert.js';
import { analyse } from '../pipeline/inspect.js';
import { parseInputSpec, readInput } from '../read/read-input.js';
import { parseChecksumSpec } from '../config/option-syntax.js';
import { collectBytes } from '../write/format.js';
import { formatByName } from '../write/registry.js';
import { uf2FamilyId } from '../write/uf2-families.js';
import { parseAddress, parseNumber } from '../numbers.js';
import type { WindowSource } from '../pipeline/window-source.js';
import type { OverlapPolicy } from '../select/merge.js';
import { errorDocument, reportDocument, type OutputRecord } from '../cli/json-report.js';
import { erasedSectorsNote, summaryLines } from '../cli/report.js';
import { describeError, errorLine } from '../cli/error-report.js';
import { findingsInCliWords } from '../cli/option-flags.js';
import { reportFragment, reportHtml } from '../report/html-report.js';
import { splitPath } from '../cli/split-path.js';
import packageJson from '../../package.json' with { type: 'json' };

/** A file the user dropped or picked. */
export interface PageFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Where the page takes the flash windows from: the same four sources as the command line. */
export type PageWindows =
  | { readonly from: 'default' }
  | { readonly from: 'regions'; readonly regions: readonly string[] }
  /** `script` names one of `files`; the others are what it INCLUDEs. */
  | { readonly from: 'ld'; readonly script: string; readonly files: readonly PageFile[]; readonly regions: readonly string[] }
  | { readonly from: 'dfuse'; readonly layout: string };

/**
 * A conversion as the page's form describes it. Values are text written as on the command
 * line (`0x08000000`, `512K`, `crc32@0x0800FFFC`), so they are read by the same parsers and
 * fail with the same messages; empty text means the option is not given.
 */
export interface PageRequest {
  /** Each input with, for a raw binary, its load address. */
  readonly inputs: readonly { readonly file: PageFile; readonly address?: string | undefined }[];
  readonly windows: PageWindows;
  /** Output format name (`hex`, `bin`, `srec`, `dfu`, `uf2`). */
  readonly format: string;
  /** BIN: one file per window. */
  readonly split?: boolean | undefined;
  readonly options?: Partial<Record<PageOption, string>> | undefined;
  /** Transforms: windows to fill, `--fill-gaps`, checksums. */
  readonly padWindows?: readonly string[] | undefined;
  readonly fillGaps?: boolean | undefined;
  readonly checksums?: readonly string[] | undefined;
}

/** The page's text options, by the command line's option name. */
export type PageOption =
  | 'record-length'
  | 'start-address'
  | 'eol'
  | 'srec-header'
  | 'srec-type'
  | 'base'
  | 'pad-to'
  | 'max-gap'
  | 'fill'
  | 'align'
  | 'overlap'
  | 'dfu-alt'
  | 'dfu-target-name'
  | 'dfu-vid'
  | 'dfu-pid'
  | 'dfu-device'
  | 'uf2-family';

/** A file for the user to download. */
export interface PageDownload {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** `Intel HEX`, `JSON report`, ... */
  readonly title: string;
}

/** What the page shows after a run. */
export type PageResult =
  | {
      readonly ok: true;
      /** The command line's summary, line by line. */
      readonly summary: readonly string[];
      /** The report's HTML fragment: windows, memory map, dropped ranges, findings with fixes. */
      readonly report: string;
      readonly downloads: readonly PageDownload[];
    }
  | { readonly ok: false; readonly error: string; readonly downloads: readonly PageDownload[] };

/**
 * Converts in memory as `flashcut INPUT... -o NAME` would with the same settings, with the
 * same core and so the same bytes, and returns the downloads (the images, the JSON report
 * and the HTML report) or the command line's one-line error.
 */
export function runPage(request: PageRequest): PageResult {
  const first = request.inputs[0];
  const output = outputName(first?.file.name ?? 'firmware', request.format);
  try {
    return convertForPage(request, output);
  } catch (error) {
    if (!(error instanceof FlashcutError)) throw error;
    const { exitCode, ...record } = describeError(error);
    const document = errorDocument({ version: packageJson.version, command: 'convert', status: 'error', exitCode }, record);
    return { ok: false, error: errorLine({ exitCode, ...record }), downloads: [jsonDownload(output, document)] };
  }
}

function convertForPage(request: PageRequest, output: string): PageResult {
  if (request.inputs.length === 0) throw new UsageError('no input file: drop or choose an ELF, HEX, S-record or BIN file');
  const option = (name: PageOption): string | undefined => {
    const value = request.options?.[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const inputs = request.inputs.map(({ file, address }) => {
    const spec = address?.trim() ? `${file.name}@${address.trim()}` : file.name;
    const { base } = parseInputSpec(spec);
    return readInput(file.bytes, { name: file.name, base });
  });
  const format = formatByName(request.format);
  const plan = planConversion(inputs, {
    windows: windowSource(request.windows),
    format,
    startAddress: startAddressOf(option('start-address')),
    // The core refuses a policy it does not know, naming the option.
    overlap: option('overlap') as OverlapPolicy | undefined,
    padWindows: request.padWindows,
    fillGaps: request.fillGaps,
    align: optional(option('align'), (t) => parseNumber(t, '--align')),
    checksums: (request.checksums ?? []).filter((c) => c.trim() !== '').map(parseChecksumSpec),
    recordLength: optional(option('record-length'), (t) => parseNumber(t, '--record-length')),
    eol: option('eol') === 'lf' ? 'lf' : 'crlf',
    base: optional(option('base'), (t) => parseAddress(t, '--base')),
    fill: optional(option('fill'), (t) => parseNumber(t, '--fill')),
    padTo: optional(option('pad-to'), (t) => parseAddress(t, '--pad-to')),
    maxGap: optional(option('max-gap'), (t) => parseNumber(t, '--max-gap')),
    srecHeader: option('srec-header'),
    srecType: optional(option('srec-type'), (t) => Number(t) as 19 | 28 | 37),
    dfuAlt: optional(option('dfu-alt'), (t) => parseNumber(t, '--dfu-alt')),
    dfuTargetName: option('dfu-target-name'),
    dfuVendor: optional(option('dfu-vid'), (t) => parseNumber(t, '--dfu-vid')),
    dfuProduct: optional(option('dfu-pid'), (t) => parseNumber(t, '--dfu-pid')),
    dfuDevice: optional(option('dfu-device'), (t) => parseNumber(t, '--dfu-device')),
    uf2Family: optional(option('uf2-family'), uf2FamilyId),
    split: request.split,
  });
  const notes = [...plan.notes];
  if (plan.dfuse) notes.push(erasedSectorsNote(plan.dfuse, plan.image));
  const parts = request.split
    ? splitByWindow(plan).map(({ window, image }) => ({ name: splitPath(output, window.name), image }))
    : [{ name: output, image: plan.image }];
  const images = parts.map((part) => ({ ...part, bytes: collectBytes(writePlan(plan, part.image)) }));

  const analysed = plan.inputs.map(({ input, selection }, i) => ({
    path: input.name,
    size: request.inputs[i]?.file.bytes.length ?? 0,
    analysis: findingsInCliWords(analyse(input, selection, { ramRegions: plan.ram })),
  }));
  const run = { inputs: analysed, image: plan.image, transforms: plan.transforms, notes };
  const written: OutputRecord[] = images.map((p) => ({ path: p.name, format: format.name, size: p.bytes.length, start: p.image.start ?? 0, end: p.image.end ?? 0 }));
  const summary = summaryLines(run, written.map((w) => ({ ...w, title: format.title })));
  const document = reportDocument({ version: packageJson.version, command: 'convert', status: 'ok', exitCode: 0 }, run, written);
  const mapRun = { inputs: analysed, image: plan.image, transforms: plan.transforms };
  const stem = output.replace(/\.[^.]+$/, '');
  return {
    ok: true,
    summary,
    report: reportFragment(mapRun),
    downloads: [
      ...images.map((p) => ({ name: p.name, bytes: p.bytes, title: format.title })),
      jsonDownload(output, document),
      { name: `${stem}.report.html`, bytes: new TextEncoder().encode(reportHtml(mapRun)), title: 'HTML report' },
    ],
  };
}

/** The page's choice of windows as the core's window source, with the dropped files as the linker script's INCLUDEs. */
function windowSource(choice: PageWindows): WindowSource {
  const names = (list: readonly string[]) => list.flatMap((n) => n.split(',')).map((n) => n.trim()).filter((n) => n !== '');
  switch (choice.from) {
    case 'default':
      return choice;
    case 'regions':
      return { from: 'regions', regions: names(choice.regions), label: '--region' };
    case 'ld': {
      const byName = new Map(choice.files.map((f) => [f.name, f]));
      const main = byName.get(choice.script);
      if (!main) throw new UsageError(`cannot read linker script ${choice.script}: no such file among those given`);
      const text = (file: PageFile) => new TextDecoder().decode(file.bytes);
      // Every dropped file sits in one folder: an INCLUDE is found by its file name.
      const include = (name: string) => {
        const found = byName.get(name) ?? byName.get(name.split('/').pop() ?? name);
        if (!found) throw new IoError('not among the files given (add it beside the linker script)');
        return { file: found.name, text: text(found) };
      };
      return { from: 'ld', text: text(main), file: main.name, include, regions: names(choice.regions), label: `--ld ${main.name}` };
    }
    case 'dfuse':
      return { from: 'dfuse', layout: choice.layout, label: '--dfuse-layout' };
  }
}

/** `app.elf` as HEX gives `app.hex`. */
export function outputName(input: string, format: string): string {
  const extension = formatByName(format).extensions[0] ?? `.${format}`;
  return input.replace(/\.[^.]*$/, '') + extension;
}

function jsonDownload(output: string, document: object): PageDownload {
  return { name: `${output.replace(/\.[^.]+$/, '')}.report.json`, bytes: new TextEncoder().encode(JSON.stringify(document, null, 2) + '\n'), title: 'JSON report' };
}

function startAddressOf(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  return text.toLowerCase() === 'none' ? null : parseAddress(text, '--start-address');
}

function optional<T>(text: string | undefined, parse: (text: string) => T): T | undefined {
  return text === undefined ? undefined : parse(text);
}
