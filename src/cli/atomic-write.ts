import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Temporary files being written now, so a signal handler can remove them. */
const pending = new Set<string>();

/**
 * Writes `chunks` to a temporary file beside `target` and renames it over `target` once all
 * of it is written. On any failure, or when `chunks` throws, the temporary file is removed
 * and `target` is left as it was. Returns the number of bytes written.
 */
export function writeFileAtomic(target: string, chunks: Iterable<Uint8Array>): number {
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.flashcut-tmp`);
  pending.add(temporary);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx');
    let written = 0;
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at, chunk.length - at);
      written += chunk.length;
    }
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, target);
    return written;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    pending.delete(temporary);
  }
}

/** Removes every temporary file still being written; for signal handlers. */
export function removePendingFiles(): void {
  for (const file of pending) rmSync(file, { force: true });
  pending.clear();
}
