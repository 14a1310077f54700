import { parseElf } from '../../src/read/elf/parse.js';

/**
 * A copy of the ELF with every p_paddr set to its p_vaddr: converting it gives the image a
 * converter that ignored load addresses would write (`.data` at its RAM address). The proofs
 * use it to show that their oracles catch such a converter.
 */
export function withRunAddressesAsLoadAddresses(elf: Uint8Array): Uint8Array {
  // new Uint8Array(x) copies; Buffer#slice would not.
  const copy = new Uint8Array(elf);
  const { header, littleEndian } = parseElf(copy);
  const view = new DataView(copy.buffer);
  for (let i = 0; i < header.e_phnum; i++) {
    const at = header.e_phoff + i * 32;
    view.setUint32(at + 12, view.getUint32(at + 8, littleEndian), littleEndian);
  }
  return copy;
}
