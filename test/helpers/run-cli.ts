import { PassThrough } from 'node:stream';
import { main, type CliIo } from '../../src/cli/main.js';

/** Runs the CLI in-process and returns its exit code and what it printed (standard output also as bytes, for images). */
export async function runCli(
  argv: readonly string[],
  colour = { stdout: false, stderr: false },
): Promise<{ code: number; stdout: string; stdoutBytes: Buffer; stderr: string }> {
  const stdout = new PassThrough();
  const out: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  let stderr = '';
  const io: CliIo = { stdout, stderr: { write: (text: string) => (stderr += text) }, width: 80, colour };
  const code = await main(argv, io);
  const stdoutBytes = Buffer.concat(out);
  return { code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr };
}
