import * as fs from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { IoError } from '../errors.js';
import { isSystemError, kindOf, systemText } from './files-read.js';

/**
 * The file operations the atomic writer uses; tests pass ones that fail on cue. Descriptors and
 * callbacks, not node:fs/promises, whose loading costs start-up time.
 */
export interface AtomicWriteFs {
  /** Creates a new file (never opens an existing one or follows a link) with `mode` before the umask; returns its descriptor. */
  create(path: string, mode: number): number;
  /** Writes from the start of `bytes`, blocking; returns how many bytes were written. */
  writeSync(fd: number, bytes: Uint8Array): number;
  /** The same on the thread pool. */
  write(fd: number, bytes: Uint8Array): Promise<number>;
  rename(from: string, to: string): void;
  /** Gives the file `existing` a second name, `name`, which must not exist. */
  link(existing: string, name: string): void;
}

/** The real file system: `wx` so that a temporary file is never shared with another writer. */
export const realFs: AtomicWriteFs = {
  create: (path, mode) => fs.openSync(path, 'wx', mode),
  writeSync: (fd, bytes) => fs.writeSync(fd, bytes, 0, bytes.length),
  write: (fd, bytes) => new Promise((done, fail) => fs.write(fd, bytes, 0, bytes.length, null, (error, written) => (error ? fail(error) : done(written)))),
  rename: (from, to) => fs.renameSync(from, to),
  link: (existing, name) => fs.linkSync(existing, name),
};

/** One output: a file path or a stream, and its bytes as a writer produces them. */
export type OutputTarget = { readonly path: string; readonly chunks: Iterable<Uint8Array> } | { readonly stream: NodeJS.WritableStream; readonly chunks: Iterable<Uint8Array> };

/** Outputs ready to be put in place: the regular files written to temporaries, the others' writers started. */
export interface StagedOutputs {
  /**
   * Puts every output in place, all or none as far as the system allows. First the outputs
   * written in place (streams, special files), piece by piece as their writer makes them; then
   * `ready(sizes)`, the caller's last work that can fail (the report); then one rename per
   * temporary file, with no pause a signal handler could use. When rename k fails, the k-1
   * files it already replaced are put back from hard links kept of them (copies where the file
   * system has no hard links) and the files it created are removed. On any failure every
   * temporary file and kept link is removed and the error thrown. Returns what `ready` returns.
   */
  commit<T>(ready: (sizes: readonly number[]) => T): Promise<T>;
}

/** A writer started at staging (its option checks run before any output is touched), with its first step. */
interface Started {
  readonly iterator: Iterator<Uint8Array, unknown, Uint8Array | undefined>;
  readonly first: IteratorResult<Uint8Array, unknown>;
}

interface RenameStage {
  readonly kind: 'rename';
  readonly temporary: string;
  readonly target: string;
  readonly size: number;
}

type Stage =
  | RenameStage
  | { readonly kind: 'in-place'; readonly target: string; readonly open: string; readonly existing: fs.Stats; readonly writer: Started }
  | { readonly kind: 'stream'; readonly stream: NodeJS.WritableStream; readonly writer: Started };

/** Temporary files and kept links that exist now, so a signal handler can remove them. */
const pending = new Set<string>();

/** Outputs up to this size are written with blocking writes: one write call, no trip through the thread pool. */
const BLOCKING_BYTES = 1 << 20;

/**
 * Stages every output before any output is touched. A new or regular file is written to a
 * temporary file in its real folder (a short name, so that a target near the file-name length
 * limit works), which takes the old file's mode and, where permitted, its owner. Links are
 * followed to the end of their chain, every link on the way checked as Linux's
 * fs.protected_symlinks does: in a shared folder (sticky and world-writable, like /tmp) only a
 * link of the running user or of the folder's owner is followed. What the chain ends at in a
 * shared folder must be the running user's or the folder owner's too (fs.protected_fifos and
 * protected_regular): another user's file or FIFO there is refused, never written into or
 * replaced. A dangling link is replaced itself. Anything else that exists (a character device
 * such as /dev/null, a FIFO, /dev/stdout's pipe) is written in place at commit, since renaming
 * over it would replace the node instead of writing to it; its writer and a stream's are
 * started here (one chunk is made) and run at commit. On any failure, or when a writer throws,
 * every temporary file is removed and the error thrown (IoError for a refused target).
 */
export async function stageOutputs(targets: readonly OutputTarget[], io: AtomicWriteFs = realFs): Promise<StagedOutputs> {
  const stages: Stage[] = [];
  try {
    for (const target of targets) stages.push(await stage(target, io));
  } catch (error) {
    removeTemporaries(stages);
    throw error;
  }
  return { commit: (ready) => commit(stages, ready, io) };
}

/** Writes one file atomically (see stageOutputs); returns the number of bytes written. */
export async function writeFileAtomic(target: string, chunks: Iterable<Uint8Array>, io: AtomicWriteFs = realFs): Promise<number> {
  const staged = await stageOutputs([{ path: target, chunks }], io);
  return staged.commit((sizes) => sizes[0] ?? 0);
}

/** Removes every temporary file still staged; for signal handlers. */
export function removePendingFiles(): void {
  for (const file of pending) fs.rmSync(file, { force: true });
  pending.clear();
}

async function stage(target: OutputTarget, io: AtomicWriteFs): Promise<Stage> {
  if ('stream' in target) return { kind: 'stream', stream: target.stream, writer: start(target.chunks) };
  const { real, existing } = resolveOutput(target.path);
  if (existing && !existing.isFile()) return { kind: 'in-place', target: target.path, open: real, existing, writer: start(target.chunks) };
  const temporary = join(dirname(real), temporaryName());
  const size = await writeTemporary(temporary, target.chunks, existing, io).catch((error: unknown) => Promise.reject(naming(error, target.path)));
  return { kind: 'rename', temporary, target: real, size };
}

function start(chunks: Iterable<Uint8Array>): Started {
  const iterator = chunks[Symbol.iterator]() as Iterator<Uint8Array, unknown, Uint8Array | undefined>;
  return { iterator, first: iterator.next() };
}

async function commit<T>(stages: readonly Stage[], ready: (sizes: readonly number[]) => T, io: AtomicWriteFs): Promise<T> {
  try {
    const sizes: number[] = [];
    for (const stage of stages) {
      if (stage.kind === 'rename') sizes.push(stage.size);
      else if (stage.kind === 'stream') sizes.push(await writeToStream(stage.stream, stage.writer));
      else sizes.push(await writeInPlace(stage).catch((error: unknown) => Promise.reject(naming(error, stage.target))));
    }
    const result = ready(sizes);
    renameAll(
      stages.filter((s): s is RenameStage => s.kind === 'rename'),
      io,
    );
    return result;
  } catch (error) {
    removeTemporaries(stages);
    throw error;
  }
}

/**
 * Renames every temporary file over its target, synchronously (a signal handler cannot run
 * between two renames). With several files, a hard link to each old file is kept first; when a
 * rename fails, the files already replaced get their old file back and the ones created are
 * removed, then the error is thrown. An old file that cannot be put back stays under its kept
 * name, which the error gives.
 */
function renameAll(stages: readonly RenameStage[], io: AtomicWriteFs): void {
  // One file needs no backup: a rename is all or nothing by itself.
  const kept: (string | undefined)[] = [];
  const unrestored: string[] = [];
  try {
    if (stages.length > 1) for (const s of stages) kept.push(keepOld(s.target, io));
    let done = 0;
    try {
      for (; done < stages.length; done++) {
        const s = stages[done] as RenameStage;
        try {
          io.rename(s.temporary, s.target);
        } catch (error) {
          throw naming(error, s.target);
        }
        pending.delete(s.temporary);
      }
    } catch (error) {
      for (let i = done - 1; i >= 0; i--) {
        const backup = kept[i];
        const target = (stages[i] as RenameStage).target;
        try {
          if (backup === undefined) fs.rmSync(target, { force: true });
          else io.rename(backup, target);
          if (backup !== undefined) pending.delete(backup);
        } catch {
          if (backup !== undefined) unrestored.push(backup);
        }
      }
      if (unrestored.length === 0) throw error;
      const reason = isSystemError(error) ? `cannot write it: ${systemText(error)}` : String(error);
      const file = isSystemError(error) ? error.path : undefined;
      throw new IoError(`${reason}; ${unrestored.length} replaced file(s) could not be put back, their old bytes are kept as ${unrestored.join(', ')}`, { file });
    }
  } finally {
    for (const backup of kept) if (backup !== undefined && !unrestored.includes(backup)) removeFile(backup);
  }
}

/** A second name for the file at `target`, in its folder, to put back if a later rename fails; undefined when there is no file. */
function keepOld(target: string, io: AtomicWriteFs): string | undefined {
  const backup = join(dirname(target), temporaryName());
  try {
    io.link(target, backup);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    // FAT and some network file systems have no hard links: a copy, which keeps the mode.
    try {
      fs.copyFileSync(target, backup, fs.constants.COPYFILE_EXCL);
    } catch (copyError) {
      removeFile(backup);
      throw naming(copyError, target);
    }
  }
  pending.add(backup);
  return backup;
}

/**
 * Writes `chunks` to a new file and gives it the owner and mode of the file it replaces. Up to
 * BLOCKING_BYTES with blocking writes (a small output is one write call); after that
 * asynchronously, so that a signal handler can run during a long write and each chunk is
 * written while the next is produced. The file is removed on any failure.
 */
async function writeTemporary(path: string, chunks: Iterable<Uint8Array>, replacing: fs.Stats | undefined, io: AtomicWriteFs): Promise<number> {
  // A file that replaces another is private until it has the old one's owner and mode.
  const fd = io.create(path, replacing ? 0o600 : 0o666);
  pending.add(path);
  try {
    try {
      const size = await writeChunks(fd, start(chunks), io, BLOCKING_BYTES);
      if (replacing) takeOwnerAndMode(fd, replacing);
      return size;
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    removeFile(path);
    throw error;
  }
}

/** Chunks shorter than this are gathered into a batch of BATCH_SIZE bytes before they are written. */
const SMALL_CHUNK = 64 * 1024;
const BATCH_SIZE = 1024 * 1024;

/**
 * Writes a started writer's chunks to `fd`: while fewer than `blockingBytes` are written, with
 * blocking writes; then on the thread pool, one write in flight while the writer encodes the
 * next chunk. Small chunks (a sparse image's pieces, DfuSe element headers) are copied into a
 * batch first: one write call per chunk made 100,000 pieces cost 5 s of waiting for the thread
 * pool. A chunk on disk (or copied) goes back to the writer to be filled again (ChunkPool).
 */
async function writeChunks(fd: number, writer: Started, io: AtomicWriteFs, blockingBytes: number): Promise<number> {
  let sent = 0;
  let inFlight: { bytes: Uint8Array; done: Promise<void> } | undefined;
  /** Writes `bytes`; returns bytes now on disk: these (a blocking write) or the ones written before. */
  const send = async (bytes: Uint8Array): Promise<Uint8Array | undefined> => {
    if (inFlight === undefined && sent + bytes.length <= blockingBytes) {
      for (let at = 0; at < bytes.length; ) at += io.writeSync(fd, bytes.subarray(at));
      sent += bytes.length;
      return bytes;
    }
    const previous = inFlight;
    if (previous) await previous.done;
    const done = writeAll(io, fd, bytes);
    // Awaited above or below; this only keeps a failure during encoding from counting as unhandled.
    done.catch(() => undefined);
    inFlight = { bytes, done };
    sent += bytes.length;
    return previous?.bytes;
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
    let size = 0;
    for (let step = writer.first; step.done !== true; ) {
      const chunk = step.value;
      size += chunk.length;
      let finished: Uint8Array | undefined;
      if (chunk.length < SMALL_CHUNK) {
        if (used + chunk.length > BATCH_SIZE) await flush();
        batch ??= new Uint8Array(BATCH_SIZE);
        batch.set(chunk, used);
        used += chunk.length;
        finished = chunk;
      } else {
        await flush();
        finished = await send(chunk);
      }
      step = writer.iterator.next(finished);
    }
    await flush();
    await inFlight?.done;
    return size;
  } finally {
    await inFlight?.done.catch(() => undefined);
  }
}

async function writeAll(io: AtomicWriteFs, fd: number, chunk: Uint8Array): Promise<void> {
  for (let at = 0; at < chunk.length; ) at += await io.write(fd, chunk.subarray(at));
}

/** The owner first (chown clears set-user-ID bits), then the mode; an owner we may not give is left as ours. */
function takeOwnerAndMode(fd: number, old: fs.Stats): void {
  const ours = fs.fstatSync(fd);
  if (ours.uid !== old.uid || ours.gid !== old.gid) {
    try {
      fs.fchownSync(fd, old.uid, old.gid);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    }
  }
  fs.fchmodSync(fd, old.mode & 0o7777);
}

/**
 * Opens an existing special file for writing (never creating or truncating one), checks that
 * it is still the file staged, and writes the writer's chunks one at a time, each given back
 * once written; returns the number of bytes. Opening a FIFO waits for its reader.
 */
async function writeInPlace({ target, open, existing, writer }: Extract<Stage, { kind: 'in-place' }>): Promise<number> {
  const { O_WRONLY, O_NOCTTY } = fs.constants;
  const fd = await new Promise<number>((done, fail) => fs.open(open, O_WRONLY | O_NOCTTY, (error, opened) => (error ? fail(error) : done(opened))));
  try {
    const now = fs.fstatSync(fd);
    if (now.dev !== existing.dev || now.ino !== existing.ino) throw new IoError('cannot write it: it was replaced by another file while flashcut ran', { file: target });
    // Never blocking: a FIFO's reader may be slow, and a signal must still be handled.
    return await writeChunks(fd, writer, realFs, 0);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes the writer's chunks to a stream as they come; a chunk stays the stream's (not given back), which may still hold it. */
async function writeToStream(stream: NodeJS.WritableStream, writer: Started): Promise<number> {
  let size = 0;
  for (let step = writer.first; step.done !== true; step = writer.iterator.next(undefined)) {
    size += step.value.length;
    if (!stream.write(step.value)) await once(stream, 'drain');
  }
  return size;
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

function removeTemporaries(stages: readonly Stage[]): void {
  for (const stage of stages) if (stage.kind === 'rename' && pending.has(stage.temporary)) removeFile(stage.temporary);
}

function removeFile(path: string): void {
  fs.rmSync(path, { force: true });
  pending.delete(path);
}

/** Linux's limit of links followed in one path (MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * What an output path leads to: the real path to put the new file at, and the file it
 * replaces or writes into (undefined: none). Throws IoError for a link or a file that another
 * user could have planted in a shared folder, and for a loop of links.
 */
function resolveOutput(path: string): { real: string; existing: fs.Stats | undefined } {
  const walked = walk(path, path);
  if (walked.stats) {
    refuseSharedFile(path, walked.real, walked.stats);
    return { real: walked.real, existing: walked.stats };
  }
  // A link only the kernel can follow: /dev/stdout is /proc/self/fd/1, which names a pipe (`pipe:[1234]`).
  const kernel = statOrUndefined(fs.statSync, path);
  if (kernel) return { real: kernel.isFile() ? fs.realpathSync(path) : path, existing: kernel };
  // A dangling link (checked on the walk) is replaced itself; a new file goes in the real folder.
  if (statOrUndefined(fs.lstatSync, path)?.isSymbolicLink()) return { real: join(walk(dirname(path), path).real, basename(path)), existing: undefined };
  return { real: walked.real, existing: undefined };
}

/**
 * Follows `path` one name at a time as the kernel does, checking every link on the way
 * (refuseSharedLink). Returns the real path and the stats of what it names; when a name on the
 * way does not exist, the path so far joined with the rest, and no stats.
 */
function walk(path: string, output: string): { real: string; stats: fs.Stats | undefined } {
  const rest = (isAbsolute(path) ? path : process.cwd() + sep + path).split(sep).reverse();
  let current: string = sep;
  let stats: fs.Stats | undefined = fs.statSync(sep);
  let links = 0;
  while (rest.length > 0) {
    const name = rest.pop() as string;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      // `current` is real, so its parent is too.
      current = dirname(current);
      stats = fs.statSync(current);
      continue;
    }
    const next = join(current, name);
    stats = statOrUndefined(fs.lstatSync, next);
    if (!stats) return { real: join(next, ...rest.reverse()), stats: undefined };
    if (!stats.isSymbolicLink()) {
      current = next;
      continue;
    }
    refuseSharedLink(output, next, stats, current);
    if (++links > MAX_LINKS) throw new IoError('cannot write it: too many levels of symbolic links', { file: output });
    const target = fs.readlinkSync(next);
    rest.push(...target.split(sep).reverse());
    if (isAbsolute(target)) current = sep;
  }
  return { real: current, stats };
}

/** fs.protected_symlinks: in a shared folder, only a link of the running user or of the folder's owner is followed. */
function refuseSharedLink(output: string, link: string, stats: fs.Stats, folder: string): void {
  if (!inSharedFolderOfOthers(stats, folder)) return;
  const which = link === resolve(output) ? '' : `'${link}' on its way is `;
  throw new IoError(`cannot write it: ${which}a symbolic link of another user in a shared folder (sticky and world-writable), which flashcut does not follow`, { file: output });
}

/** fs.protected_fifos and protected_regular: another user's file in a shared folder is neither written into nor replaced. */
function refuseSharedFile(output: string, real: string, stats: fs.Stats): void {
  if (!inSharedFolderOfOthers(stats, dirname(real))) return;
  const what = stats.isFile() ? 'a file' : kindOf(stats);
  const which = real === resolve(output) ? '' : `it leads to '${real}', `;
  throw new IoError(`cannot write it: ${which}${what} of another user in a shared folder (sticky and world-writable), which flashcut does not write into or replace`, { file: output });
}

/** Whether `stats` belongs to someone other than the running user and the owner of its sticky, world-writable `folder`. */
function inSharedFolderOfOthers(stats: fs.Stats, folder: string): boolean {
  const uid = process.geteuid?.();
  if (uid === undefined || stats.uid === uid) return false;
  const parent = fs.statSync(folder);
  return (parent.mode & 0o1002) === 0o1002 && stats.uid !== parent.uid;
}

function statOrUndefined(stat: (path: string) => fs.Stats, path: string): fs.Stats | undefined {
  try {
    return stat(path);
  } catch {
    return undefined;
  }
}
