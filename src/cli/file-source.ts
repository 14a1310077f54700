import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { IoError } from '../errors.js';
import { count } from '../numbers.js';
import { memorySource, type ByteSource } from '../byte-source.js';
import { cannotRead, readFileBytes } from './files-read.js';

/** An input's bytes for the readers, and what to call when the run is done with them. */
export interface OpenInput {
  readonly source: ByteSource;
  close(): void;
}

/**
 * An input file as a ByteSource. A regular file stays open and is read where the reader asks
 * (fs.readSync at the offset), so that an ELF costs its headers and the ranges kept, not its
 * size; anything else (a FIFO, a device) is read whole first. Throws IoError (with the file)
 * when it cannot be opened or read, or when it grows shorter while being read.
 */
export function openInputFile(path: string): OpenInput {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw cannotRead(path, error);
  }
  let size: number | undefined;
  try {
    const stats = fstatSync(fd);
    if (stats.isFile()) size = stats.size;
  } catch (error) {
    closeSync(fd);
    throw cannotRead(path, error);
  }
  if (size === undefined) {
    closeSync(fd);
    return { source: memorySource(readFileBytes(path)), close: () => undefined };
  }
  const open = fd;
  return {
    source: { size, read: (offset, length, into) => readAt(open, path, offset, length, into) },
    close: () => closeSync(open),
  };
}

function readAt(fd: number, path: string, offset: number, length: number, into: Uint8Array | undefined): Uint8Array {
  const bytes = into ? into.subarray(0, length) : Buffer.allocUnsafe(length);
  try {
    for (let at = 0; at < length; ) {
      const got = readSync(fd, bytes, at, length - at, offset + at);
      if (got === 0) throw new IoError(`cannot read it: it ended at byte ${count(offset + at)} while being read (it was changed)`, { file: path });
      at += got;
    }
  } catch (error) {
    throw cannotRead(path, error);
  }
  return bytes;
}
