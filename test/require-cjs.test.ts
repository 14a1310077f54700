import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// CommonJS callers (a Jest config, an Electron main process, a build script) load the library with
// require(); Node 20.19+ loads the ES module for them when the exports map lets it. Runs the built
// package (dist/, made by `npm test`) by its own name, as a dependant would.
const root = new URL('..', import.meta.url).pathname;

describe("require('flashcut') from CommonJS", () => {
  it('loads the library and converts', () => {
    const script = [
      "const { convert, UsageError } = require('flashcut');",
      'const hex = new TextEncoder().encode(":03000000010203F7\\n:00000001FF\\n");',
      'console.log(typeof UsageError, Buffer.from(convert(hex, { format: "bin" }).output).toString("hex"));',
    ].join('\n');
    const result = spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(result.stderr.replace(/^.*ExperimentalWarning.*\n(.*--trace-warnings.*\n)?/m, '')).toBe('');
    expect(result.stdout).toBe('function 010203\n');
    expect(result.status).toBe(0);
  });
});
