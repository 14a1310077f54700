/**
 * The parity check: a conversion the CLI ran, run again through the library, must give the same
 * bytes or the same error. The library side uses only the command line's translation (parsing,
 * settings, the option mapping) and plain reading of the files named, then the core: a rule that
 * only the CLI applies makes the two differ. runCli checks every conversion it runs, so every CLI
 * conversion case of the test suite is a parity case.
 */
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { conversionOptions } from '../../src/cli/main.js';
import { describeError } from '../../src/cli/error-report.js';
import { readFileBytes } from '../../src/cli/files-read.js';
import { isStdinInput, parseCommandLine } from '../../src/cli/options.js';
import { resolveSettings, type Settings } from '../../src/cli/settings.js';
import { splitPath } from '../../src/cli/split-path.js';
import { oneLine } from '../../src/cli/text.js';
import { planConversion, splitByWindow, writePlan } from '../../src/pipeline/convert.js';
import { parseInputSpec, readInput } from '../../src/read/read-input.js';
import { collectBytes, type OutputFormat } from '../../src/write/format.js';
import { formatByName, formatForPath } from '../../src/write/registry.js';

/** What a run produced: each output's bytes (hex) by path, or its error: the exit code of its kind, and the message as one line prints it. */
export type Outcome = { readonly files: Readonly<Record<string, string>> } | { readonly error: string };

/** An error as `exit N: MESSAGE`: the kind (by its exit code) and the message, without the place (the CLI adds an output's name). */
function errorText(exitCode: number, message: string): string {
  return `exit ${exitCode}: ${message}`;
}

/**
 * How a CLI run compares with the library: `same-bytes`, `same-error`, `cli-only` (the CLI refused
 * it for a reason about its own files and streams, listed in CLI_ONLY), or `not-compared` (not a
 * conversion, --strict, or an output that is not a regular file).
 */
export type ParityVerdict = 'same-bytes' | 'same-error' | 'cli-only' | 'not-compared';

/**
 * Errors that are the command line's own, about the names it is given and the files and streams
 * it reads and writes: the library writes no file, so it cannot meet them.
 */
const CLI_ONLY: readonly RegExp[] = [
  /error: no output file: give -o OUTPUT/,
  /error: output '.*' is a folder: give a file name/,
  /error: output '.*' is (the input file|the linker script|a file the linker script INCLUDEs|the project configuration): refusing to overwrite it/,
  /error: standard input can be read once/,
  /error: --json prints the report on standard output/,
  /error: --split writes one BIN file per window: it needs an output file, not standard output/,
  /error: --split names one BIN file per window after the output, and '.*' is a (FIFO|character device|block device|socket|special file): give a file name/,
  /error: cannot tell the output format from '.*'/,
  /error: .*: no such input file, and no such command/,
  /error: cannot write it: /,
];

/** The CLI's result as runCli returns it. */
export interface CliResult {
  readonly code: number;
  readonly stdoutBytes: Buffer;
  readonly stderr: string;
}

/**
 * Compares a CLI run of `argv` with the library's outcome and returns the verdict; throws an
 * Error saying how they differ. With FLASHCUT_PARITY_LOG set, appends a JSON line per run to it.
 */
export async function checkParity(argv: readonly string[], cli: CliResult): Promise<ParityVerdict> {
  const verdict = await compare(argv, cli);
  const log = process.env.FLASHCUT_PARITY_LOG;
  if (log) appendFileSync(log, JSON.stringify({ verdict: typeof verdict === 'string' ? verdict : 'differs', argv }) + '\n');
  if (typeof verdict !== 'string') {
    throw new Error(`parity: the library decides otherwise than the CLI for ${JSON.stringify(argv)}:\n  CLI:     ${verdict.cli}\n  library: ${verdict.library}`);
  }
  return verdict;
}

async function compare(argv: readonly string[], cli: CliResult): Promise<ParityVerdict | { cli: string; library: string }> {
  const parsed = await parseCommandLine(argv, () => '0', () => 80).catch(() => undefined);
  // --strict (exit 3) is the command line's verdict on the findings, which the library returns.
  if (parsed?.kind !== 'run' || parsed.line.command !== 'convert' || cli.code === 3) return 'not-compared';
  const line = cli.stderr.split('\n').find((l) => /^flashcut: .*error: /.test(l));
  if (cli.code !== 0 && line !== undefined && CLI_ONLY.some((p) => p.test(line))) return 'cli-only';
  const cliError = line === undefined ? `exit ${cli.code}, no error line` : errorText(cli.code, line.slice(line.indexOf('error: ') + 'error: '.length));
  const library = await libraryOutcome(argv);
  if ('error' in library) return cli.code !== 0 && cliError === library.error ? 'same-error' : { cli: cli.code === 0 ? 'wrote its outputs' : cliError, library: library.error };
  if (cli.code !== 0) return { cli: cliError, library: `wrote ${Object.keys(library.files).join(', ')}` };
  let compared = 0;
  for (const [path, bytes] of Object.entries(library.files)) {
    const written = path === '-' ? cli.stdoutBytes : regularFile(path);
    if (written === undefined) continue;
    compared++;
    if (written.toString('hex') !== bytes) return { cli: `${path}: ${written.length} bytes`, library: `${path}: ${bytes.length / 2} bytes, not the same` };
  }
  return compared > 0 ? 'same-bytes' : 'not-compared';
}

/**
 * The library's outcome for a command line: the CLI's translation of it (settings, formats from
 * the output names, the option mapping) and the files it names read as they are, then
 * planConversion and writePlan per output (and per window with split).
 */
export async function libraryOutcome(argv: readonly string[]): Promise<Outcome> {
  let settings: Settings | undefined;
  try {
    const parsed = await parseCommandLine(argv, () => '0', () => 80);
    if (parsed.kind !== 'run') throw new Error('not a conversion');
    const { line } = parsed;
    const first = line.inputs[0] ?? '';
    const resolved = resolveSettings(line, isStdinInput(first) ? '(standard input)' : parseInputSpec(first).path);
    settings = resolved;
    const targets = (resolved.outputs ?? []).map((path) => ({ path, format: formatOf(resolved.format, path) }));
    const inputs = line.inputs.map((spec) => {
      if (isStdinInput(spec)) return readInput(new Uint8Array(0), { name: '(standard input)', format: resolved.args.inputFormat, base: spec === '-' ? undefined : parseInputSpec(`stdin${spec.slice(1)}`).base });
      const { path, base } = parseInputSpec(spec);
      return readInput(readFileBytes(path), { name: path, base, format: resolved.args.inputFormat });
    });
    const plan = planConversion(
      inputs,
      conversionOptions(
        resolved,
        targets.map((t) => t.format),
      ),
    );
    const parts = targets.flatMap(({ path, format }) =>
      resolved.args.split
        ? splitByWindow(plan).map(({ window, image }) => ({ path: splitPath(path, window.name), image, format }))
        : [{ path, image: plan.image, format }],
    );
    return { files: Object.fromEntries(parts.map((p) => [p.path, Buffer.from(collectBytes(writePlan({ ...plan, format: p.format }, p.image))).toString('hex')])) };
  } catch (error) {
    // Placed as the CLI places it: an option's value given by a configuration is that file's content.
    const { exitCode, message } = describeError(error, settings?.configPlaceOf);
    return { error: errorText(exitCode, oneLine(message)) };
  }
}

/** The output format as the CLI names it: --format, else the name's extension (HEX for standard output). */
function formatOf(name: string | undefined, path: string): OutputFormat {
  if (name !== undefined) return formatByName(name);
  const format = path === '-' ? formatByName('hex') : formatForPath(path);
  if (!format) throw new Error(`no format for ${path}`);
  return format;
}

/** The bytes of a regular file, or undefined for anything else (a device, a FIFO) or nothing. */
function regularFile(path: string): Buffer | undefined {
  try {
    return statSync(path).isFile() ? readFileSync(path) : undefined;
  } catch {
    return undefined;
  }
}
