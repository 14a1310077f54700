import type { ImageChunk } from '../image/memory-image.js';

/**
 * Gathers the data records of a text record file into pieces: records that continue the
 * previous one at the next address grow one piece; any other record starts a new one. Only
 * the data is stored (never a buffer over the address span); overlaps are left to
 * MemoryImage.from, which names the line of each conflicting byte (`app.hex:4`) from the
 * record table kept with each piece; the piece's origin names its lines (`app.hex lines 3-40`).
 */
export class PieceCollector {
  private readonly done: ImageChunk[] = [];
  private buffer = new Uint8Array(256);
  private start = 0;
  private length = 0;
  private firstLine = 0;
  private lastLine = 0;
  private recordAddresses: number[] = [];
  private recordLines: number[] = [];

  constructor(private readonly name: string) {}

  /** Adds the bytes of a record at `address` (they are copied) read from `line`. */
  add(address: number, data: Uint8Array, line: number): void {
    if (data.length === 0) return;
    if (this.length === 0 || address !== this.start + this.length) {
      this.finishPiece();
      this.start = address;
      this.firstLine = line;
    }
    if (this.length + data.length > this.buffer.length) {
      const grown = new Uint8Array(Math.max(2 * this.buffer.length, this.length + data.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(data, this.length);
    this.recordAddresses.push(address);
    this.recordLines.push(line);
    this.length += data.length;
    this.lastLine = line;
  }

  /** Every piece, in file order. */
  pieces(): ImageChunk[] {
    this.finishPiece();
    return this.done;
  }

  private finishPiece(): void {
    if (this.length === 0) return;
    const lines = this.firstLine === this.lastLine ? `line ${this.firstLine}` : `lines ${this.firstLine}-${this.lastLine}`;
    // A copy of exactly the data, so the grown buffer's slack is not kept alive.
    this.done.push({
      address: this.start,
      bytes: this.buffer.slice(0, this.length),
      origin: `${this.name} ${lines}`,
      lines: { file: this.name, addresses: this.recordAddresses, numbers: this.recordLines },
    });
    this.length = 0;
    this.recordAddresses = [];
    this.recordLines = [];
  }
}
