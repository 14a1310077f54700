import { FormatError } from '../../errors.js';
import { count, hex } from '../../numbers.js';

/**
 * Bounds-checked reads from a byte array. Each read names the field it reads, so its error
 * can say which field ran off the end of the file and where.
 */
export class ByteReader {
  readonly length: number;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly littleEndian: boolean,
  ) {
    // Offset and length both given: a view over a pooled Node Buffer must not see its neighbours.
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.byteLength;
  }

  u8(offset: number, field: string): number {
    this.check(offset, 1, field);
    return this.view.getUint8(offset);
  }

  u16(offset: number, field: string): number {
    this.check(offset, 2, field);
    return this.view.getUint16(offset, this.littleEndian);
  }

  u32(offset: number, field: string): number {
    this.check(offset, 4, field);
    return this.view.getUint32(offset, this.littleEndian);
  }

  /** A zero-copy view of [offset, offset + size), or a FormatError naming `what`. */
  bytesAt(offset: number, size: number, what: string): Uint8Array {
    this.check(offset, size, what);
    return this.bytes.subarray(offset, offset + size);
  }

  /** Throws unless [offset, offset + size) lies inside the file. */
  check(offset: number, size: number, what: string): void {
    if (offset > this.length || size > this.length - offset) {
      const end = offset + size;
      throw new FormatError(
        offset >= this.length
          ? `${what} ${hex(offset)} points past the end of the ${count(this.length)}-byte file`
          : `${what} [${hex(offset)}, ${hex(end)}) runs past the end of the ${count(this.length)}-byte file`,
        offset,
      );
    }
  }
}
