import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

/** Runs the CLI in-process and captures what it prints and writes to standard output. */
export async function runCli(argv: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const stdout = new PassThrough();
  const out: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  let stderr = '';
  const code = await main(argv, { stdout, stderr: { write: (text: string) => (stderr += text) }, width: 80 });
  return { code, stdout: Buffer.concat(out), stderr };
}
