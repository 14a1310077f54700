/**
 * A DfuSe file parser for tests, written from ST's UM0391 layout (prefix, targets with
 * image elements, DFU suffix) and independent of flashcut's writer. It checks every size
 * field against the file and the suffix CRC with Node's zlib.
 */
import { crc32 } from 'node:zlib';

export interface DfuseElement {
  readonly address: number;
  readonly data: Uint8Array;
}

export interface DfuseTarget {
  readonly alternate: number;
  readonly named: boolean;
  readonly name: string;
  readonly elements: readonly DfuseElement[];
}

export interface DecodedDfuse {
  readonly imageSize: number;
  readonly targets: readonly DfuseTarget[];
  readonly suffix: { readonly device: number; readonly product: number; readonly vendor: number; readonly bcdDfu: number; readonly crc: number };
  readonly bytes: Map<number, number>;
}

export function decodeDfuse(file: Uint8Array): DecodedDfuse {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const ascii = (at: number, n: number) => String.fromCharCode(...file.subarray(at, at + n));
  if (ascii(0, 5) !== 'DfuSe') throw new Error('no DfuSe signature');
  if (file[5] !== 1) throw new Error('bVersion is not 1');
  const imageSize = view.getUint32(6, true);
  const targetCount = file[10]!;
  let at = 11;
  const targets: DfuseTarget[] = [];
  const bytes = new Map<number, number>();
  for (let t = 0; t < targetCount; t++) {
    if (ascii(at, 6) !== 'Target') throw new Error(`target ${t}: no Target signature`);
    const alternate = file[at + 6]!;
    const named = view.getUint32(at + 7, true) !== 0;
    const rawName = file.subarray(at + 11, at + 11 + 255);
    const name = ascii(at + 11, Math.max(0, rawName.indexOf(0)));
    const targetSize = view.getUint32(at + 266, true);
    const elementCount = view.getUint32(at + 270, true);
    at += 274;
    const targetStart = at;
    const elements: DfuseElement[] = [];
    for (let e = 0; e < elementCount; e++) {
      const address = view.getUint32(at, true);
      const size = view.getUint32(at + 4, true);
      const data = file.subarray(at + 8, at + 8 + size);
      if (data.length !== size) throw new Error(`element ${e} runs past the file`);
      data.forEach((b, k) => {
        if (bytes.has(address + k)) throw new Error('address written twice');
        bytes.set(address + k, b);
      });
      elements.push({ address, data });
      at += 8 + size;
    }
    if (at - targetStart !== targetSize) throw new Error(`dwTargetSize ${targetSize} but the elements take ${at - targetStart}`);
    targets.push({ alternate, named, name, elements });
  }
  if (at !== imageSize) throw new Error(`DFUImageSize ${imageSize} but prefix and targets take ${at}`);
  if (file.length !== at + 16) throw new Error(`${file.length - at} bytes after the targets, expected a 16-byte suffix`);
  if (ascii(at + 8, 3) !== 'UFD' || file[at + 11] !== 16) throw new Error('bad DFU suffix signature or length');
  const crc = view.getUint32(at + 12, true);
  if (crc !== (~crc32(file.subarray(0, file.length - 4)) >>> 0)) throw new Error('suffix CRC does not match');
  const suffix = { device: view.getUint16(at, true), product: view.getUint16(at + 2, true), vendor: view.getUint16(at + 4, true), bcdDfu: view.getUint16(at + 6, true), crc };
  return { imageSize, targets, suffix, bytes };
}
