import { PassThrough } from 'node:stream';
import { main, type CliIo } from '../../src/cli/main.js';

/** Runs the CLI in-process and returns its exit code and what it printed. */
export async function runCli(argv: readonly string[], colour = { stdout: false, stderr: false }): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const out: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  let stderr = '';
  const io: CliIo = { stdout, stderr: { write: (text: string) => (stderr += text) }, width: 80, colour };
  const code = await main(argv, io);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr };
}
