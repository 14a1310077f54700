import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

/** True when running in CI, where a missing oracle tool is a failure rather than a skip. */
export const inCI = Boolean(process.env.CI);

/** Whether `name` is an executable on the PATH (looked up without running anything: test files load with no subprocess). */
export function hasTool(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || '.', name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * `describe` for tests that need external oracle tools. With all tools present it runs the
 * block; in CI without one it fails, naming the tool; on a developer machine it skips the
 * block and says why.
 */
export function describeWithTools(title: string, tools: readonly string[], body: () => void): void {
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length === 0) {
    describe(title, body);
  } else if (inCI) {
    describe(title, () => {
      it(`needs ${missing.join(', ')}`, () => {
        throw new Error(`oracle tool(s) missing in CI: ${missing.join(', ')} (.ci/run must install them)`);
      });
    });
  } else {
    // The body is not run at all: its setup may call the missing tool while the file loads.
    console.warn(`skipping "${title}": ${missing.join(', ')} not installed (CI requires it)`);
    describe(title, () => it.skip(`needs ${missing.join(', ')} (not installed; CI requires it)`, () => {}));
  }
}

/** Runs SRecord's srec_cat, the oracle for merging, filling and checksums, with `args` (it writes the file its `-o` names). */
export function srecCat(args: readonly string[]): void {
  execFileSync('srec_cat', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
