import { crc32 } from '../checksums/crc32.js';
import { badOption, LayoutError, LimitError, UsageError } from '../errors.js';
import type { MemoryImage } from '../image/memory-image.js';
import { count } from '../numbers.js';
import { ChunkReads, type OutputFormat, type WriteOptions } from './format.js';

/**
 * DfuSe writer: the file format of ST's UM0391 ("DfuSe File Format Specification") as
 * dfu-util reads it.
 * - prefix (11 bytes): `DfuSe`, bVersion 0x01, DFUImageSize (u32 LE), bTargets = 1;
 *   DFUImageSize counts prefix and targets but not the suffix, as ST's tools and dfu-util's
 *   dfuse-pack.py write it;
 * - one target prefix (274 bytes): `Target`, bAlternateSetting (`dfuAlt`, default 0),
 *   bTargetNamed (u32: 1 when `dfuTargetName` is given), szTargetName (255 bytes, NUL padded),
 *   dwTargetSize (u32: the size of the elements that follow), dwNbElements (u32);
 * - one image element per contiguous run of the image: dwElementAddress, dwElementSize, data;
 * - the 16-byte DFU suffix: bcdDevice, idProduct, idVendor (defaults 0xFFFF, 0xDF11, 0x0483),
 *   bcdDFU 0x011A, `UFD`, bLength 16, dwCRC = the CRC-32 register over every byte before it,
 *   without the final XOR (that is, the ones' complement of zlib's CRC-32), as dfu-util checks.
 */
export const dfuse: OutputFormat = {
  name: 'dfu',
  title: 'DfuSe',
  extensions: ['.dfu'],
  write(image, options) {
    const header = dfuseHeader(image, options);
    return emitDfuse(image, header, suffixFields(options));
  },
};

const PREFIX_SIZE = 11;
const TARGET_PREFIX_SIZE = 274;
const ELEMENT_HEADER_SIZE = 8;
const TARGET_NAME_SIZE = 255;
const SUFFIX_SIZE = 16;
const ASCII = new TextEncoder();

/** The file prefix and target prefix, checked against the fields' sizes. */
function dfuseHeader(image: MemoryImage, options: WriteOptions): Uint8Array {
  const runs = image.ranges();
  if (runs.length === 0) throw new LayoutError('nothing to write: no bytes were kept');
  const alt = options.dfuAlt ?? 0;
  if (!Number.isInteger(alt) || alt < 0 || alt > 255) throw badOption('dfuAlt', alt, 'the DfuSe alternate setting is a byte (0 to 255)');
  const name = options.dfuTargetName === undefined ? undefined : ASCII.encode(options.dfuTargetName);
  if (name && name.length > TARGET_NAME_SIZE - 1) {
    throw new UsageError(`options.dfuTargetName is ${name.length} bytes long: szTargetName holds at most ${TARGET_NAME_SIZE - 1} and a NUL`, { option: 'dfuTargetName' });
  }
  const targetSize = runs.reduce((sum, r) => sum + ELEMENT_HEADER_SIZE + (r.end - r.start), 0);
  const imageSize = PREFIX_SIZE + TARGET_PREFIX_SIZE + targetSize;
  if (imageSize > 0xffffffff) throw new LimitError(`a DfuSe file holds at most 4 GiB; this image needs ${count(imageSize)} bytes`);

  const header = new Uint8Array(PREFIX_SIZE + TARGET_PREFIX_SIZE);
  const view = new DataView(header.buffer);
  header.set(ASCII.encode('DfuSe'), 0);
  view.setUint8(5, 0x01); // bVersion
  view.setUint32(6, imageSize, true); // DFUImageSize
  view.setUint8(10, 1); // bTargets
  header.set(ASCII.encode('Target'), 11);
  view.setUint8(17, alt); // bAlternateSetting
  view.setUint32(18, name ? 1 : 0, true); // bTargetNamed
  if (name) header.set(name, 22); // szTargetName, 255 bytes from offset 22
  view.setUint32(277, targetSize, true); // dwTargetSize
  view.setUint32(281, runs.length, true); // dwNbElements
  return header;
}

/** The suffix's first 12 bytes (all but dwCRC), its 16-bit fields checked. */
function suffixFields(options: WriteOptions): Uint8Array {
  const fields: [string, 'dfuDevice' | 'dfuProduct' | 'dfuVendor', number][] = [
    ['bcdDevice', 'dfuDevice', options.dfuDevice ?? 0xffff],
    ['idProduct', 'dfuProduct', options.dfuProduct ?? 0xdf11],
    ['idVendor', 'dfuVendor', options.dfuVendor ?? 0x0483],
  ];
  const suffix = new Uint8Array(SUFFIX_SIZE - 4);
  const view = new DataView(suffix.buffer);
  fields.forEach(([field, option, value], i) => {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw badOption(option, value, `the DfuSe suffix's ${field} has 16 bits`);
    view.setUint16(2 * i, value, true);
  });
  view.setUint16(6, 0x011a, true); // bcdDFU
  suffix.set(ASCII.encode('UFD'), 8); // ucDfuSignature
  view.setUint8(11, SUFFIX_SIZE); // bLength
  return suffix;
}

function* emitDfuse(image: MemoryImage, header: Uint8Array, suffix: Uint8Array): Generator<Uint8Array, void, unknown> {
  let crc = 0;
  const reads = new ChunkReads();
  function* out(bytes: Uint8Array): Generator<Uint8Array, void, unknown> {
    crc = crc32(bytes, crc);
    reads.giveBack(yield bytes);
  }
  yield* out(header);
  for (const run of image.runs()) {
    const element = new Uint8Array(ELEMENT_HEADER_SIZE);
    const view = new DataView(element.buffer);
    view.setUint32(0, run.start, true); // dwElementAddress
    view.setUint32(4, run.end - run.start, true); // dwElementSize
    yield* out(element);
    for (const chunk of run.chunks) yield* out(reads.read(chunk));
  }
  yield* out(suffix);
  const dwCrc = new Uint8Array(4);
  new DataView(dwCrc.buffer).setUint32(0, (crc ^ 0xffffffff) >>> 0, true);
  yield dwCrc;
}
