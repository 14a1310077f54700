import { badOption, LayoutError, LimitError } from '../errors.js';
import { readChunk, STORED_PIECE, type MemoryImage } from '../image/memory-image.js';
import { count } from '../numbers.js';
import { fillByte, type OutputFormat } from './format.js';

/**
 * UF2 writer (https://github.com/microsoft/uf2, "USB Flashing Format"). Policy:
 * - one 512-byte block for every 256-byte page (target address a multiple of 256) that holds
 *   at least one kept byte; pages in ascending address order, block numbers 0..n-1, every
 *   block carrying the block count n;
 * - payloadSize 256; page bytes that are not kept hold `fill` (default 0xFF, erased flash,
 *   as uf2conv.py fills); the 220 bytes after the payload are zero;
 * - with `uf2Family`, flag 0x00002000 (familyID present) and the ID in the file-size field;
 *   without it, flags 0 and file size 0.
 */
export const uf2: OutputFormat = {
  name: 'uf2',
  title: 'UF2',
  extensions: ['.uf2'],
  write(image, options) {
    const fill = fillByte(options);
    const family = options.uf2Family;
    if (family !== undefined && (!Number.isInteger(family) || family < 0 || family > 0xffffffff)) {
      throw badOption('uf2Family', family, 'a UF2 family ID has 32 bits');
    }
    const pages = pageCount(image);
    if (pages === 0) throw new LayoutError('nothing to write: no bytes were kept');
    if (pages > MAX_BLOCKS) throw new LimitError(`a UF2 file would need ${count(pages)} blocks, more than the ${count(MAX_BLOCKS)} this writer allows`);
    return emitUf2(image, pages, fill, family);
  },
};

export const UF2_BLOCK_SIZE = 512;
export const UF2_PAYLOAD_SIZE = 256;
const MAGIC_START0 = 0x0a324655; // "UF2\n"
const MAGIC_START1 = 0x9e5d5157;
const MAGIC_END = 0x0ab16f30;
const FLAG_FAMILY_ID_PRESENT = 0x00002000;
/** 2^24 blocks: an 8 GiB file, far beyond any 32-bit flash; keeps block numbers exact. */
const MAX_BLOCKS = 0x1000000;
const BLOCKS_PER_CHUNK = 2048;

/** Number of distinct 256-byte pages that hold a kept byte. */
function pageCount(image: MemoryImage): number {
  let pages = 0;
  let lastPage = -1;
  for (const range of image.ranges()) {
    const first = Math.max(Math.floor(range.start / UF2_PAYLOAD_SIZE), lastPage + 1);
    const last = Math.floor((range.end - 1) / UF2_PAYLOAD_SIZE);
    if (last >= first) pages += last - first + 1;
    lastPage = Math.max(lastPage, last);
  }
  return pages;
}

function* emitUf2(image: MemoryImage, blocks: number, fill: number, family: number | undefined): Generator<Uint8Array> {
  let out = new Uint8Array(BLOCKS_PER_CHUNK * UF2_BLOCK_SIZE);
  let inChunk = 0;
  let blockNo = 0;
  let page = -1;
  let payload: Uint8Array | undefined;
  let reading: Uint8Array | undefined;

  const startBlock = (pageAddress: number): Uint8Array => {
    const block = out.subarray(inChunk * UF2_BLOCK_SIZE, (inChunk + 1) * UF2_BLOCK_SIZE);
    const view = new DataView(block.buffer, block.byteOffset, UF2_BLOCK_SIZE);
    view.setUint32(0, MAGIC_START0, true);
    view.setUint32(4, MAGIC_START1, true);
    view.setUint32(8, family === undefined ? 0 : FLAG_FAMILY_ID_PRESENT, true); // flags
    view.setUint32(12, pageAddress, true); // targetAddr
    view.setUint32(16, UF2_PAYLOAD_SIZE, true); // payloadSize
    view.setUint32(20, blockNo, true); // blockNo
    view.setUint32(24, blocks, true); // numBlocks
    view.setUint32(28, family ?? 0, true); // fileSize or familyID
    view.setUint32(UF2_BLOCK_SIZE - 4, MAGIC_END, true);
    blockNo++;
    inChunk++;
    return block.subarray(32, 32 + UF2_PAYLOAD_SIZE).fill(fill);
  };

  for (const chunk of image.chunks) {
    // Copied into blocks before the next chunk is read.
    const bytes = readChunk(chunk, (reading ??= new Uint8Array(STORED_PIECE)));
    for (let address = chunk.address; address < chunk.address + bytes.length; ) {
      const here = Math.floor(address / UF2_PAYLOAD_SIZE);
      if (here !== page || !payload) {
        if (inChunk === BLOCKS_PER_CHUNK) {
          yield out;
          out = new Uint8Array(BLOCKS_PER_CHUNK * UF2_BLOCK_SIZE);
          inChunk = 0;
        }
        payload = startBlock(here * UF2_PAYLOAD_SIZE);
        page = here;
      }
      const offset = address - here * UF2_PAYLOAD_SIZE;
      const length = Math.min(UF2_PAYLOAD_SIZE - offset, chunk.address + bytes.length - address);
      const from = address - chunk.address;
      payload.set(bytes.subarray(from, from + length), offset);
      address += length;
    }
  }
  yield out.subarray(0, inChunk * UF2_BLOCK_SIZE);
}
