import { removePendingFiles } from './atomic-write.js';
import { main } from './main.js';
import { wantsColour } from './text.js';

/** The process entry point: wires `main` to the real process, and cleans up on a signal. */
export function run(): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      removePendingFiles();
      process.exit(code);
    });
  }
  void main(process.argv.slice(2), {
    stdout: process.stdout,
    stdin: process.stdin,
    stderr: process.stderr,
    width: process.stdout.columns ?? 80,
    colour: { stdout: wantsColour(process.stdout.isTTY, process.env), stderr: wantsColour(process.stderr.isTTY, process.env) },
  }).then((code) => {
    process.exitCode = code;
  });
}
