import { removePendingFiles } from './atomic-write.js';
import { main } from './main.js';

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
    stderr: process.stderr,
    width: process.stdout.columns ?? 80,
  }).then((code) => {
    process.exitCode = code;
  });
}
