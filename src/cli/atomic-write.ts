import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** The file operations the atomic writer uses; tests pass ones that fail on cue. */
export interface AtomicWriteFs {
  open(path: string): Promise<fs.promises.FileHandle>;
  write(file: fs.promises.FileHandle, bytes: Uint8Array): Promise<number>;
  rename(from: string, to: string): Promise<void>;
}

/** The real file system: `wx` so that a temporary file is never shared with another writer. */
export const realFs: AtomicWriteFs = {
  open: (path) => fs.promises.open(path, 'wx'),
  write: async (file, bytes) => (await file.write(bytes, 0, bytes.length)).bytesWritten,
  rename: (from, to) => fs.promises.rename(from, to),
};

/** Temporary files being written now, so a signal handler can remove them. */
const pending = new Set<string>();

/**
 * Writes `chunks` to a temporary file beside `target` and renames it over `target` once all
 * of it is written. On any failure, or when `chunks` throws, the temporary file is removed
 * and `target` is left as it was. Asynchronous between chunks, so that a signal handler
 * (removePendingFiles) can run during a long write. Returns the number of bytes written.
 */
export async function writeFileAtomic(target: string, chunks: Iterable<Uint8Array>, io: AtomicWriteFs = realFs): Promise<number> {
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.flashcut-tmp`);
  pending.add(temporary);
  let file: fs.promises.FileHandle | undefined;
  try {
    file = await io.open(temporary);
    let written = 0;
    // Each chunk goes back to the writer once written, to be filled again (ChunkPool).
    const iterator = chunks[Symbol.iterator]();
    for (let step = iterator.next(); step.done !== true; step = iterator.next(step.value)) {
      const chunk = step.value;
      for (let at = 0; at < chunk.length; ) at += await io.write(file, chunk.subarray(at));
      written += chunk.length;
    }
    await file.close();
    file = undefined;
    await io.rename(temporary, target);
    return written;
  } catch (error) {
    await file?.close().catch(() => undefined);
    fs.rmSync(temporary, { force: true });
    throw error;
  } finally {
    pending.delete(temporary);
  }
}

/** Removes every temporary file still being written; for signal handlers. */
export function removePendingFiles(): void {
  for (const file of pending) fs.rmSync(file, { force: true });
  pending.clear();
}
