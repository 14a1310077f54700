/**
 * Random access to the bytes of one input, read as they are needed: a reader asks for the
 * headers and tables it parses and for the ranges it keeps, never for the whole input unless it
 * needs it. The core sees only this interface; the command line gives one backed by the open
 * file, the library and the tests one over bytes in memory (memorySource).
 */
export interface ByteSource {
  /** Bytes in the input. */
  readonly size: number;
  /**
   * The bytes [offset, offset + length), which the caller keeps inside [0, size). The array
   * stays valid and unchanged after later reads (a view of the input, or a copy of its own),
   * unless the caller gives `into` (at least `length` bytes): then the source may read into it
   * and return a view of it, which the caller's next read into it overwrites.
   */
  read(offset: number, length: number, into?: Uint8Array): Uint8Array;
}

/** A source over bytes in memory: every read is a zero-copy view of `bytes`. */
export function memorySource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/** `input` as a source: a Uint8Array is read in memory. */
export function asSource(input: Uint8Array | ByteSource): ByteSource {
  return input instanceof Uint8Array ? memorySource(input) : input;
}
