import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A temporary folder for one test file, removed after its tests. */
export interface TempFolder {
  readonly path: string;
  /** The path of `name` in the folder. */
  at(name: string): string;
  /** Writes `content` to `name` in the folder and returns its path. */
  file(name: string, content: string | Uint8Array): string;
}

/** Makes a folder named `flashcut-PREFIX-...` under the system's temporary folder, removed after the file's tests (call at module level). */
export function tempFolder(prefix: string): TempFolder {
  const path = mkdtempSync(join(tmpdir(), `flashcut-${prefix}-`));
  afterAll(() => rmSync(path, { recursive: true, force: true }));
  return {
    path,
    at: (name) => join(path, name),
    file: (name, content) => {
      writeFileSync(join(path, name), content);
      return join(path, name);
    },
  };
}
