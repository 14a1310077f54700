import { badOption } from '../errors.js';
import { readChunk, STORED_PIECE, type ImageChunk, type MemoryImage } from '../image/memory-image.js';

/** Options every writer receives; each reads the ones that concern it. */
export interface WriteOptions {
  /** Execution start address (from e_entry), or undefined to write none. */
  readonly startAddress?: number | undefined;
  /** Intel HEX, S-record: data bytes per record (default 16). */
  readonly recordLength?: number | undefined;
  /** Line ends of text formats (default `crlf`). */
  readonly eol?: LineEnding | undefined;
  /** BIN: first address of the file (default: the lowest kept address). */
  readonly base?: number | undefined;
  /** BIN, UF2: value of the bytes between kept ranges, 0..255 (default 0xFF, erased flash). */
  readonly fill?: number | undefined;
  /** BIN: extend the file with fill up to this address (exclusive). */
  readonly padTo?: number | undefined;
  /** BIN: the largest run of fill bytes allowed (default 16 MiB). */
  readonly maxGap?: number | undefined;
  /** S-record: text of the S0 header (default `flashcut`). */
  readonly srecHeader?: string | undefined;
  /** S-record: force S1/S9 (19), S2/S8 (28) or S3/S7 (37) records (default: by the highest address). */
  readonly srecType?: SrecType | undefined;
  /** DfuSe: alternate setting of the one target, 0..255 (default 0). */
  readonly dfuAlt?: number | undefined;
  /** DfuSe: target name, up to 254 bytes (default: none, the target is unnamed). */
  readonly dfuTargetName?: string | undefined;
  /** DfuSe suffix: idVendor (default 0x0483, STMicroelectronics). */
  readonly dfuVendor?: number | undefined;
  /** DfuSe suffix: idProduct (default 0xDF11, the STM32 DFU boot loader). */
  readonly dfuProduct?: number | undefined;
  /** DfuSe suffix: bcdDevice (default 0xFFFF, any). */
  readonly dfuDevice?: number | undefined;
  /** UF2: family ID written into every block (default: none, the flag stays clear). */
  readonly uf2Family?: number | undefined;
}

/** S-record data record families, named by their data and termination record digits. */
export type SrecType = 19 | 28 | 37;

export type LineEnding = 'crlf' | 'lf';

/**
 * An output file format. `write` checks the image and options at once (throwing before
 * anything is produced) and returns the file's bytes as chunks, produced lazily in order,
 * so a large file never has to sit in memory whole. Each chunk stays valid unless the
 * consumer gives it back through `next()` (see ChunkPool).
 */
export interface OutputFormat {
  readonly name: string;
  /** What users call it: `Intel HEX`. */
  readonly title: string;
  /** File name endings that select the format, lower case with the dot. */
  readonly extensions: readonly string[];
  write(image: MemoryImage, options: WriteOptions): Iterable<Uint8Array>;
}

/**
 * Output buffers a writer lends out as chunks and gets back: a consumer that has finished
 * with a chunk (written it out, copied it) may pass it to the chunk iterator's `next()`, and
 * the writer then fills that memory again instead of allocating more, so a large file costs
 * a buffer or two rather than a heap of garbage. A plain `for...of` passes nothing back, and
 * every chunk stays intact.
 */
export class ChunkPool {
  private readonly lent = new Map<ArrayBufferLike, Uint8Array>();
  private readonly free: Uint8Array[] = [];

  constructor(private readonly size: number) {}

  /** A buffer to fill: one given back, or a new one. */
  take(): Uint8Array {
    const buffer = this.free.pop() ?? new Uint8Array(this.size);
    this.lent.set(buffer.buffer, buffer);
    return buffer;
  }

  /** Takes back the buffer under `chunk` if it is one of this pool's and lent out; ignores anything else. */
  giveBack(chunk: unknown): void {
    if (!(chunk instanceof Uint8Array)) return;
    const buffer = this.lent.get(chunk.buffer);
    if (!buffer) return;
    this.lent.delete(chunk.buffer);
    this.free.push(buffer);
  }
}

/**
 * The bytes of image chunks for a writer that yields them as they are: a chunk that stays in the
 * input is read into a buffer of a pool, which the consumer gives back once written (`giveBack`
 * what `next()` passes in), so that streaming a large image out costs a buffer or two.
 */
export class ChunkReads {
  private readonly pool = new ChunkPool(STORED_PIECE);

  /** The chunk's bytes, valid until given back. */
  read(chunk: ImageChunk): Uint8Array {
    const buffer = this.pool.take();
    const bytes = readChunk(chunk, buffer);
    if (bytes.buffer !== buffer.buffer) this.pool.giveBack(buffer);
    return bytes;
  }

  giveBack(chunk: unknown): void {
    this.pool.giveBack(chunk);
  }
}

/** Concatenates a writer's chunks into one array. */
export function collectBytes(chunks: Iterable<Uint8Array>): Uint8Array {
  const parts = [...chunks];
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The value of bytes no kept byte covers (default 0xFF, erased flash); throws UsageError unless it is a byte. */
export function fillByte(options: WriteOptions): number {
  const fill = options.fill ?? 0xff;
  if (!Number.isInteger(fill) || fill < 0 || fill > 0xff) throw badOption('fill', fill, 'the fill value is a byte (0 to 0xFF)');
  return fill;
}
