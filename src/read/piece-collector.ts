import type { ImageChunk } from '../image/memory-image.js';

/** A piece grows in an ordinary array up to this size, then in a resizable one that is never copied. */
const LARGE = 1024 * 1024;

/** ES2024's resizable ArrayBuffer, which Node 20 has (the project's TypeScript lib is ES2022). */
interface ResizableArrayBuffer extends ArrayBuffer {
  readonly maxByteLength: number;
  resize(length: number): void;
}
const ResizableArrayBuffer = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

/**
 * Gathers the data records of a text record file into pieces: records that continue the
 * previous one at the next address grow one piece; any other record starts a new one. Only
 * the data is stored (never a buffer over the address span), and a large piece is never copied
 * as it grows: it lives in a resizable ArrayBuffer whose untouched reserve costs no memory, so
 * peak memory is the data plus little. Overlaps are left to MemoryImage.from, which names the
 * line of each conflicting byte (`app.hex line 4`) from the record runs kept with each piece;
 * the piece's origin names its lines (`app.hex lines 3-40`).
 */
export class PieceCollector {
  private readonly done: ImageChunk[] = [];
  private buffer = new Uint8Array(256);
  /** The resizable store of a piece past LARGE bytes. */
  private store: ResizableArrayBuffer | undefined;
  private start = 0;
  private length = 0;
  private firstLine = 0;
  private lastLine = 0;
  private recordLength = 0;
  private runAddresses: number[] = [];
  private runLines: number[] = [];
  private runLengths: number[] = [];

  /** `inputSize`: the file's size in bytes, which bounds the data of any piece (a record's digits are two per byte). */
  constructor(
    private readonly name: string,
    private readonly inputSize: number,
  ) {}

  /** Adds the bytes of a record at `address` (they are copied) read from `line`. */
  add(address: number, data: Uint8Array, line: number): void {
    if (data.length === 0) return;
    if (this.length === 0 || address !== this.start + this.length) {
      this.finishPiece();
      this.start = address;
      this.firstLine = line;
    }
    if (this.length + data.length > this.buffer.length) this.grow(this.length + data.length);
    this.buffer.set(data, this.length);
    // A record that follows the last on the next line with the same length extends its run.
    if (this.length === 0 || line !== this.lastLine + 1 || data.length !== this.recordLength) {
      this.runAddresses.push(address);
      this.runLines.push(line);
      this.runLengths.push(data.length);
      this.recordLength = data.length;
    }
    this.length += data.length;
    this.lastLine = line;
  }

  /** Every piece, in file order. */
  pieces(): ImageChunk[] {
    this.finishPiece();
    return this.done;
  }

  private grow(needed: number): void {
    const wanted = Math.max(2 * this.buffer.length, needed);
    if (wanted <= LARGE) {
      const grown = new Uint8Array(wanted);
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
      return;
    }
    if (!this.store) {
      // Reserved, not allocated: only the bytes written take memory.
      this.store = new ResizableArrayBuffer(0, { maxByteLength: Math.max(needed, Math.ceil(this.inputSize / 2)) });
      this.store.resize(Math.min(wanted, this.store.maxByteLength));
      const grown = new Uint8Array(this.store);
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
      return;
    }
    // The view tracks the store's length: nothing is copied.
    this.store.resize(Math.min(wanted, this.store.maxByteLength));
  }

  private finishPiece(): void {
    if (this.length === 0) return;
    const lines = this.firstLine === this.lastLine ? `line ${this.firstLine}` : `lines ${this.firstLine}-${this.lastLine}`;
    let bytes: Uint8Array;
    if (this.store) {
      this.store.resize(this.length);
      bytes = new Uint8Array(this.store, 0, this.length);
    } else {
      // A copy of exactly the data, so the grown buffer's slack is not kept alive.
      bytes = this.buffer.slice(0, this.length);
    }
    this.done.push({
      address: this.start,
      bytes,
      origin: `${this.name} ${lines}`,
      lines: { file: this.name, addresses: this.runAddresses, numbers: this.runLines, lengths: this.runLengths },
    });
    this.length = 0;
    // The small buffer was copied out and is reused; a grown store now belongs to the piece.
    if (this.store) this.buffer = new Uint8Array(256);
    this.store = undefined;
    this.runAddresses = [];
    this.runLines = [];
    this.runLengths = [];
  }
}
