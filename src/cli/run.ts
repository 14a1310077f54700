import { removePendingFiles } from './atomic-write.js';
import { main } from './main.js';
import { wantsColour } from './text.js';

/** The process entry point: wires `main` to the real process, and cleans up on a signal or a closed pipe. */
export function run(): void {
  // Every signal that ends the process and can be caught: 128 + its number, as shells report it.
  for (const [signal, code] of [['SIGHUP', 129], ['SIGINT', 130], ['SIGQUIT', 131], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      removePendingFiles();
      process.exit(code);
    });
  }
  // Getters: Node sets up process.stdin, stdout and stderr on first use, which costs start-up
  // time that a quiet conversion to a file never needs.
  void main(process.argv.slice(2), {
    get stdout() {
      return quietWhenClosed(process.stdout);
    },
    get stdin() {
      return process.stdin;
    },
    get stderr() {
      return quietWhenClosed(process.stderr);
    },
    get width() {
      return process.stdout.columns ?? 80;
    },
    colour: {
      get stdout() {
        return wantsColour(process.stdout.isTTY, process.env);
      },
      get stderr() {
        return wantsColour(process.stderr.isTTY, process.env);
      },
    },
  }).then((code) => {
    process.exitCode = code;
  });
}

const guarded = new WeakSet<NodeJS.WriteStream>();

/**
 * The stream, set to end the run without a word when its reader goes away (`flashcut inspect
 * app.elf | head`), as a Unix tool killed by SIGPIPE does: Node ignores the signal and reports
 * EPIPE on the stream instead, which would otherwise print a stack trace.
 */
function quietWhenClosed(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  if (guarded.has(stream)) return stream;
  guarded.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    removePendingFiles();
    process.exit(141);
  });
  return stream;
}
