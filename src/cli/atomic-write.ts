import * as fs from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { IoError } from '../errors.js';

/** The file operations the atomic writer uses; tests pass ones that fail on cue. */
export interface AtomicWriteFs {
  /** Creates a new file (never opens an existing one) with `mode` before the umask. */
  open(path: string, mode: number): Promise<fs.promises.FileHandle>;
  write(file: fs.promises.FileHandle, bytes: Uint8Array): Promise<number>;
  rename(from: string, to: string): Promise<void>;
}

/** The real file system: `wx` so that a temporary file is never shared with another writer. */
export const realFs: AtomicWriteFs = {
  open: (path, mode) => fs.promises.open(path, 'wx', mode),
  write: async (file, bytes) => (await file.write(bytes, 0, bytes.length)).bytesWritten,
  rename: (from, to) => fs.promises.rename(from, to),
};

/** One output: a file path or a stream, and its bytes as a writer produces them. */
export type OutputTarget = { readonly path: string; readonly chunks: Iterable<Uint8Array> } | { readonly stream: NodeJS.WritableStream; readonly chunks: Iterable<Uint8Array> };

/** Outputs whose bytes all exist, none of them yet where it goes. */
export interface StagedOutputs {
  /** Bytes of each output, in the order given. */
  readonly sizes: readonly number[];
  /**
   * Puts every output in place: first the ones written in place (streams, special files,
   * links), since they can still fail, then one rename per temporary file. On a failure the
   * temporaries not yet renamed are removed.
   */
  commit(): Promise<void>;
  /** Removes every temporary file; no output has been touched. */
  discard(): void;
}

type Stage =
  | { readonly kind: 'rename'; readonly temporary: string; readonly target: string }
  | { readonly kind: 'in-place'; readonly target: string; readonly parts: readonly Uint8Array[] }
  | { readonly kind: 'stream'; readonly stream: NodeJS.WritableStream; readonly parts: readonly Uint8Array[] };

/** Temporary files that exist now, so a signal handler can remove them. */
const pending = new Set<string>();

/**
 * Produces the bytes of every output before any output is touched. A new or regular file is
 * written to a temporary file beside it (a short name, so that a target near the file-name
 * length limit works), which takes the old file's mode and, where permitted, its owner;
 * commit() renames it over the target. A symbolic link is followed (`/dev/stdout`, a link to
 * the build's latest image), so the link stays and its file is replaced; in a shared folder
 * (sticky and world-writable, like /tmp) only a link of the running user or the folder's owner,
 * as Linux's fs.protected_symlinks allows. Anything else that exists (a character device such
 * as /dev/null, a FIFO) is written in place at commit: renaming over it would replace the node
 * instead of writing to it. Those bytes, and a stream's, wait in memory until commit.
 * On any failure, or when a writer throws, every temporary file is removed and the error thrown.
 */
export async function stageOutputs(targets: readonly OutputTarget[], io: AtomicWriteFs = realFs): Promise<StagedOutputs> {
  const stages: Stage[] = [];
  const sizes: number[] = [];
  const discard = () => {
    for (const stage of stages) if (stage.kind === 'rename') removeTemporary(stage.temporary);
  };
  try {
    for (const target of targets) {
      if ('stream' in target) {
        const parts = [...target.chunks];
        stages.push({ kind: 'stream', stream: target.stream, parts });
        sizes.push(totalLength(parts));
        continue;
      }
      const { replacing, real } = resolveOutput(target.path);
      if (replacing && !replacing.isFile()) {
        const parts = [...target.chunks];
        stages.push({ kind: 'in-place', target: target.path, parts });
        sizes.push(totalLength(parts));
        continue;
      }
      const temporary = join(dirname(real), temporaryName());
      pending.add(temporary);
      stages.push({ kind: 'rename', temporary, target: real });
      sizes.push(await writeTemporary(temporary, target.chunks, replacing, io).catch((error: unknown) => Promise.reject(naming(error, target.path))));
    }
  } catch (error) {
    discard();
    throw error;
  }
  return {
    sizes,
    discard,
    commit: async () => {
      try {
        for (const stage of stages) {
          if (stage.kind === 'stream') await writeToStream(stage.stream, stage.parts);
          if (stage.kind === 'in-place') await writeInPlace(stage.target, stage.parts).catch((error: unknown) => Promise.reject(naming(error, stage.target)));
        }
        for (const stage of stages) {
          if (stage.kind !== 'rename') continue;
          await io.rename(stage.temporary, stage.target).catch((error: unknown) => Promise.reject(naming(error, stage.target)));
          pending.delete(stage.temporary);
        }
      } catch (error) {
        discard();
        throw error;
      }
    },
  };
}

/** Writes one file atomically (see stageOutputs); returns the number of bytes written. */
export async function writeFileAtomic(target: string, chunks: Iterable<Uint8Array>, io: AtomicWriteFs = realFs): Promise<number> {
  const staged = await stageOutputs([{ path: target, chunks }], io);
  await staged.commit();
  return staged.sizes[0] ?? 0;
}

/** Removes every temporary file still staged; for signal handlers. */
export function removePendingFiles(): void {
  for (const file of pending) fs.rmSync(file, { force: true });
  pending.clear();
}

/** Chunks shorter than this are gathered into a batch of BATCH_SIZE bytes before they are written. */
const SMALL_CHUNK = 64 * 1024;
const BATCH_SIZE = 1024 * 1024;

/**
 * Writes `chunks` to a new file. Asynchronous between writes, so that a signal handler can run
 * during a long write, and so that each write is on disk while the next is produced. Small
 * chunks (a sparse image's pieces, DfuSe element headers) are copied into a batch first: one
 * write call per chunk made 100,000 pieces cost 5 s of waiting for the thread pool.
 */
async function writeTemporary(path: string, chunks: Iterable<Uint8Array>, replacing: fs.Stats | undefined, io: AtomicWriteFs): Promise<number> {
  // A file that replaces another is private until it has the old one's owner and mode.
  const file = await io.open(path, replacing ? 0o600 : 0o666);
  // One write is on the thread pool while the writer encodes the next chunk here.
  let writing: Promise<void> | undefined;
  const send = async (bytes: Uint8Array): Promise<void> => {
    if (writing) await writing;
    writing = writeAll(io, file, bytes);
    // Awaited above or below; this only keeps a failure during encoding from counting as unhandled.
    writing.catch(() => undefined);
  };
  // Two batches: one being written while the other fills.
  let batch: Uint8Array | undefined;
  let spare: Uint8Array | undefined;
  let used = 0;
  const flush = async (): Promise<void> => {
    if (!batch || used === 0) return;
    await send(batch.subarray(0, used));
    [batch, spare] = [spare, batch];
    used = 0;
  };
  try {
    let written = 0;
    let previous: Uint8Array | undefined;
    const iterator = chunks[Symbol.iterator]();
    for (let step = iterator.next(); step.done !== true; ) {
      const chunk = step.value;
      written += chunk.length;
      let finished: Uint8Array | undefined;
      if (chunk.length < SMALL_CHUNK) {
        if (used + chunk.length > BATCH_SIZE) await flush();
        batch ??= new Uint8Array(BATCH_SIZE);
        batch.set(chunk, used);
        used += chunk.length;
        // Copied: it goes back to the writer to be filled again (ChunkPool).
        finished = chunk;
      } else {
        await flush();
        await send(chunk);
        // The chunk before this one is on disk.
        finished = previous;
        previous = chunk;
      }
      step = iterator.next(finished);
    }
    await flush();
    await writing;
    writing = undefined;
    if (replacing) await takeOwnerAndMode(file, replacing);
    return written;
  } finally {
    await writing?.catch(() => undefined);
    await file.close();
  }
}

/** The owner first (chown clears set-user-ID bits), then the mode; an owner we may not give is left as ours. */
async function takeOwnerAndMode(file: fs.promises.FileHandle, old: fs.Stats): Promise<void> {
  const ours = await file.stat();
  if (ours.uid !== old.uid || ours.gid !== old.gid) {
    await file.chown(old.uid, old.gid).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPERM') throw error;
    });
  }
  await file.chmod(old.mode & 0o7777);
}

async function writeAll(io: AtomicWriteFs, file: fs.promises.FileHandle, chunk: Uint8Array): Promise<void> {
  for (let at = 0; at < chunk.length; ) at += await io.write(file, chunk.subarray(at));
}

/** Opens an existing file for writing, following links and never creating one, and writes the parts. */
async function writeInPlace(path: string, parts: readonly Uint8Array[]): Promise<void> {
  const { O_WRONLY, O_TRUNC, O_NOCTTY } = fs.constants;
  const file = await fs.promises.open(path, O_WRONLY | O_TRUNC | O_NOCTTY);
  try {
    for (const part of parts) for (let at = 0; at < part.length; ) at += (await file.write(part, at, part.length - at)).bytesWritten;
  } finally {
    await file.close();
  }
}

async function writeToStream(stream: NodeJS.WritableStream, parts: readonly Uint8Array[]): Promise<void> {
  for (const part of parts) if (!stream.write(part)) await once(stream, 'drain');
}

/** A system error about a temporary file names the output instead (`path`), which is what the user knows. */
function naming(error: unknown, target: string): unknown {
  if (error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string') (error as NodeJS.ErrnoException).path = target;
  return error;
}

/**
 * `.flashcut-` and 12 random characters. Not from node:crypto, whose loading costs start-up
 * time: the name only has to differ from other writers' (the file is created with `wx`, so a
 * name that exists, or a link planted under it, makes the open fail, never shares a file).
 */
function temporaryName(): string {
  return `.flashcut-${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}`;
}

function removeTemporary(path: string): void {
  fs.rmSync(path, { force: true });
  pending.delete(path);
}

/**
 * What an output path leads to: the file it replaces (undefined: none) and the real path to
 * put the new file at. A dangling link is replaced itself. Throws IoError for a link that a
 * shared folder's other users could have planted.
 */
function resolveOutput(path: string): { replacing: fs.Stats | undefined; real: string } {
  const link = statOrUndefined(fs.lstatSync, path);
  if (!link?.isSymbolicLink()) return { replacing: link, real: path };
  const folder = fs.statSync(dirname(path));
  const uid = process.geteuid?.();
  const shared = (folder.mode & 0o1002) === 0o1002;
  if (shared && uid !== undefined && link.uid !== uid && link.uid !== folder.uid) {
    throw new IoError('cannot write it: a symbolic link of another user in a shared folder (sticky and world-writable), which flashcut does not follow', { file: path });
  }
  const replacing = statOrUndefined(fs.statSync, path);
  return replacing ? { replacing, real: replacing.isFile() ? fs.realpathSync(path) : path } : { replacing: undefined, real: path };
}

function statOrUndefined(stat: (path: string) => fs.Stats, path: string): fs.Stats | undefined {
  try {
    return stat(path);
  } catch {
    return undefined;
  }
}

function totalLength(parts: readonly Uint8Array[]): number {
  return parts.reduce((sum, part) => sum + part.length, 0);
}
