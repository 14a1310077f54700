/**
 * A UF2 parser for tests, written from the specification (github.com/microsoft/uf2,
 * README "File format") and independent of flashcut's writer: checks both start magics and
 * the end magic, block numbering and count, and returns the payload bytes by address.
 */

export interface Uf2Block {
  readonly flags: number;
  readonly targetAddr: number;
  readonly payloadSize: number;
  readonly blockNo: number;
  readonly numBlocks: number;
  readonly familyOrSize: number;
  readonly payload: Uint8Array;
  readonly tail: Uint8Array;
}

export function decodeUf2(file: Uint8Array): { blocks: Uf2Block[]; bytes: Map<number, number> } {
  if (file.length % 512 !== 0) throw new Error(`size ${file.length} is not a multiple of 512`);
  const blocks: Uf2Block[] = [];
  const bytes = new Map<number, number>();
  for (let at = 0; at < file.length; at += 512) {
    const view = new DataView(file.buffer, file.byteOffset + at, 512);
    if (view.getUint32(0, true) !== 0x0a324655 || view.getUint32(4, true) !== 0x9e5d5157) throw new Error(`block at ${at}: bad start magic`);
    if (view.getUint32(508, true) !== 0x0ab16f30) throw new Error(`block at ${at}: bad end magic`);
    const payloadSize = view.getUint32(16, true);
    if (payloadSize > 476) throw new Error('payload too large');
    const block: Uf2Block = {
      flags: view.getUint32(8, true),
      targetAddr: view.getUint32(12, true),
      payloadSize,
      blockNo: view.getUint32(20, true),
      numBlocks: view.getUint32(24, true),
      familyOrSize: view.getUint32(28, true),
      payload: file.subarray(at + 32, at + 32 + payloadSize),
      tail: file.subarray(at + 32 + payloadSize, at + 508),
    };
    if (block.blockNo !== blocks.length) throw new Error(`block ${blocks.length} numbered ${block.blockNo}`);
    if (block.numBlocks !== file.length / 512) throw new Error(`numBlocks ${block.numBlocks} in a file of ${file.length / 512}`);
    if ((block.flags & 0x1) === 0) {
      block.payload.forEach((b, k) => {
        if (bytes.has(block.targetAddr + k)) throw new Error('address written twice');
        bytes.set(block.targetAddr + k, b);
      });
    }
    blocks.push(block);
  }
  return { blocks, bytes };
}
