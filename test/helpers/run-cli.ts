import { PassThrough } from 'node:stream';
import { main, type CliIo } from '../../src/cli/main.js';
import { checkParity, type ParityVerdict } from './parity.js';

/**
 * Runs the CLI in-process and returns its exit code and what it printed (standard output also as
 * bytes, for images). A conversion is run through the library too (checkParity): a different
 * outcome throws, so every conversion of the CLI tests is a parity case.
 */
export async function runCli(
  argv: readonly string[],
  colour = { stdout: false, stderr: false },
): Promise<{ code: number; stdout: string; stdoutBytes: Buffer; stderr: string; parity: ParityVerdict }> {
  const stdout = new PassThrough();
  const out: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  let stderr = '';
  const io: CliIo = { stdout, stderr: { write: (text: string) => (stderr += text) }, width: 80, colour };
  const code = await main(argv, io);
  const stdoutBytes = Buffer.concat(out);
  const parity = await checkParity(argv, { code, stdoutBytes, stderr });
  return { code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr, parity };
}
