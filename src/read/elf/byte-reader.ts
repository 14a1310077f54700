import { FormatError } from '../../errors.js';
import { count, hex } from '../../numbers.js';
import type { ByteSource } from '../../byte-source.js';

/**
 * How much a field read brings in at once: a table of small fields costs one read of the source
 * a block, and a header read brings in little else (a page).
 */
const BLOCK = 4096;

/**
 * Bounds-checked reads from an input's ByteSource. Each read names the field it reads, so its
 * error can say which field ran off the end of the file and where. Fields are read from a block
 * of the source kept from the last read, so that walking a table reads the source once a block.
 */
export class ByteReader {
  readonly length: number;
  private block: Uint8Array = new Uint8Array(0);
  private blockStart = 0;
  private view = new DataView(this.block.buffer);

  constructor(
    private readonly source: ByteSource,
    private readonly littleEndian: boolean,
  ) {
    this.length = source.size;
  }

  u8(offset: number, field: string): number {
    return this.at(offset, 1, field).getUint8(offset - this.blockStart);
  }

  u16(offset: number, field: string): number {
    return this.at(offset, 2, field).getUint16(offset - this.blockStart, this.littleEndian);
  }

  u32(offset: number, field: string): number {
    return this.at(offset, 4, field).getUint32(offset - this.blockStart, this.littleEndian);
  }

  /** The bytes [offset, offset + size) (a view of the input, or a copy), or a FormatError naming `what`. */
  bytesAt(offset: number, size: number, what: string): Uint8Array {
    this.check(offset, size, what);
    return this.source.read(offset, size);
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

  /** A view of the block that holds [offset, offset + size), read from the source when the kept one does not. */
  private at(offset: number, size: number, field: string): DataView {
    this.check(offset, size, field);
    if (offset < this.blockStart || offset + size > this.blockStart + this.block.length) {
      this.blockStart = offset;
      this.block = this.source.read(offset, Math.min(BLOCK, this.length - offset));
      // Offset and length both given: a view over a pooled Node Buffer must not see its neighbours.
      this.view = new DataView(this.block.buffer, this.block.byteOffset, this.block.byteLength);
    }
    return this.view;
  }
}
