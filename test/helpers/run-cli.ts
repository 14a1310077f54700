import { PassThrough } from 'node:stream';
import { main, type CliIo } from '../../src/cli/main.js';
import { checkParity, type ParityVerdict } from './parity.js';

/** How the CLI runs: which streams may be coloured, the folder it runs in, the help width. */
export interface RunOptions {
  readonly colour?: { readonly stdout: boolean; readonly stderr: boolean };
  /** The working folder for the run (process.chdir, restored after). */
  readonly cwd?: string;
  readonly width?: number;
}

/** What a run printed: its exit code, standard output as text and as bytes (for images), standard error. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stdoutBytes: Buffer;
  readonly stderr: string;
  readonly parity: ParityVerdict;
}

/**
 * Runs the CLI in-process and returns what it printed. A conversion is run through the library
 * too (checkParity): a different outcome throws, so every conversion of the CLI tests is a
 * parity case.
 */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const out: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  let stderr = '';
  const io: CliIo = { stdout, stderr: { write: (text: string) => (stderr += text) }, width: options.width ?? 80, colour: options.colour ?? { stdout: false, stderr: false } };
  const before = process.cwd();
  if (options.cwd !== undefined) process.chdir(options.cwd);
  try {
    const code = await main(argv, io);
    const stdoutBytes = Buffer.concat(out);
    const parity = await checkParity(argv, { code, stdoutBytes, stderr });
    return { code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr, parity };
  } finally {
    process.chdir(before);
  }
}
