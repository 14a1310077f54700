import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { IoError, LimitError, UsageError } from '../errors.js';
import { count } from '../numbers.js';

/** What a file read was to the run, for the message that refuses to overwrite it. */
export type ReadRole = 'the input file' | 'standard input' | 'the linker script' | 'a file the linker script INCLUDEs' | 'the project configuration';

interface ReadFile {
  /** Undefined for standard input, known by its identity only. */
  readonly path: string | undefined;
  readonly role: ReadRole;
  readonly real: string | undefined;
  readonly device: number | undefined;
  readonly inode: number | undefined;
}

/** The files one run reads, by path, real path and identity (device + inode), so that no output replaces one. */
export class FilesRead {
  private readonly files: ReadFile[] = [];

  /** Notes a file as read; `stats` from the open file when the caller has them. */
  note(path: string, role: ReadRole, stats: Stats | undefined = statOrUndefined(path)): void {
    this.files.push({ path, role, real: realOrUndefined(path), device: stats?.dev, inode: stats?.ino });
  }

  /**
   * Notes standard input when it is a regular file (`flashcut - -o app.hex < app.hex`), by its
   * device and inode: a rename over that file would replace the input.
   */
  noteStandardInput(): void {
    let stats: Stats;
    try {
      stats = fstatSync(0);
    } catch {
      return;
    }
    if (stats.isFile()) this.files.push({ path: undefined, role: 'standard input', real: undefined, device: stats.dev, inode: stats.ino });
  }

  /**
   * Throws UsageError when writing `target` would replace a file read: the same path, the same
   * real path (through links and `..`), or the same device and inode (a hard link, a bind mount).
   */
  refuseOverwriting(target: string): void {
    const stats = statOrUndefined(target);
    const real = realOrUndefined(target);
    for (const file of this.files) {
      const sameFile = stats !== undefined && stats.dev === file.device && stats.ino === file.inode;
      if (sameFile || (file.path !== undefined && resolve(target) === resolve(file.path)) || (real !== undefined && real === file.real)) {
        throw new UsageError(`output '${target}' is ${file.role}: refusing to overwrite it`);
      }
    }
  }
}

/**
 * Reads an input file. A file that cannot be read is an IoError with the file attached, worded
 * alike whichever file it is (input, linker script, INCLUDE, configuration): `cannot read it:
 * no such file or directory`.
 */
export function readFileBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw cannotRead(path, error);
  }
}

/**
 * Reads a text file that must be a regular file of at most `maxBytes` (a FIFO or a device
 * could block or never end), noting it in `log`. Throws IoError (with the file) when it cannot
 * be read or is not a regular file, and LimitError when it is too large.
 */
export function readRegularText(path: string, maxBytes: number, log: FilesRead, role: ReadRole): string {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO to read would otherwise wait for a writer before fstat can refuse it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw cannotRead(path, error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new IoError(`cannot read it: ${kindOf(stats)}, not a regular file`, { file: path });
    if (stats.size > maxBytes) throw new LimitError(`${count(stats.size)} bytes, over the limit of ${count(maxBytes)} bytes`, { file: path });
    const bytes = Buffer.alloc(stats.size);
    for (let at = 0; at < bytes.length; ) {
      const got = readSync(fd, bytes, at, bytes.length - at, at);
      if (got === 0) break;
      at += got;
    }
    log.note(path, role, stats);
    return bytes.toString('utf8');
  } catch (error) {
    throw cannotRead(path, error);
  } finally {
    closeSync(fd);
  }
}

/** A system error of reading `path` as an IoError naming the file; our own errors pass unchanged. */
export function cannotRead(path: string, error: unknown): Error {
  if (!isSystemError(error)) return error as Error;
  return new IoError(`cannot read it: ${systemText(error)}`, { file: path });
}

/** Whether `error` is an error of a system call (it has an errno code and the call's name). */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && 'syscall' in error;
}

/** The system's words without the code and the path: `ENOENT: no such file or directory, open 'x'` becomes `no such file or directory`. */
export function systemText(error: NodeJS.ErrnoException): string {
  return error.message.replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
}

/** What a file that is not a regular one is, for messages: `a FIFO`, `a character device`, ... */
export function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function realOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
