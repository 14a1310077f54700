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
 * (removePendingFiles) can run during a long write, and so that each chunk is written while
 * the next is produced. Returns the number of bytes written.
 */
export async function writeFileAtomic(target: string, chunks: Iterable<Uint8Array>, io: AtomicWriteFs = realFs): Promise<number> {
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.flashcut-tmp`);
  pending.add(temporary);
  let file: fs.promises.FileHandle | undefined;
  // One chunk is written on the thread pool while the writer encodes the next one here.
  let writing: Promise<void> | undefined;
  try {
    const open = await io.open(temporary);
    file = open;
    let written = 0;
    let previous: Uint8Array | undefined;
    const iterator = chunks[Symbol.iterator]();
    for (let step = iterator.next(); step.done !== true; ) {
      const chunk = step.value;
      if (writing) await writing;
      writing = writeAll(io, open, chunk);
      // Awaited above or below; this only keeps a failure during encoding from counting as unhandled.
      writing.catch(() => undefined);
      written += chunk.length;
      // The chunk before this one is on disk: it goes back to the writer to be filled again (ChunkPool).
      const finished = previous;
      previous = chunk;
      step = iterator.next(finished);
    }
    if (writing) await writing;
    writing = undefined;
    await file.close();
    file = undefined;
    await io.rename(temporary, target);
    return written;
  } catch (error) {
    await writing?.catch(() => undefined);
    await file?.close().catch(() => undefined);
    fs.rmSync(temporary, { force: true });
    throw error;
  } finally {
    pending.delete(temporary);
  }
}

async function writeAll(io: AtomicWriteFs, file: fs.promises.FileHandle, chunk: Uint8Array): Promise<void> {
  for (let at = 0; at < chunk.length; ) at += await io.write(file, chunk.subarray(at));
}

/** Removes every temporary file still being written; for signal handlers. */
export function removePendingFiles(): void {
  for (const file of pending) fs.rmSync(file, { force: true });
  pending.clear();
}
