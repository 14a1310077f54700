/**
 * Inputs that grow with n, for the scaling test (test/scaling.test.ts) and for timing one case
 * at the size issue 11 names (scripts/scaling.ts). Each case is a command line over files made
 * in memory; nothing here is committed as a generated file.
 */
import { buildElf, SHF_ALLOC, SHT_NOBITS, SHT_PROGBITS } from '../test/helpers/elf-builder.js';

/** A file of a case: its name in the case's folder, and its bytes. */
export interface CaseFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface ScalingCase {
  readonly name: string;
  /** What grows with n, for the report. */
  readonly unit: string;
  /** The size issue 11 names. */
  readonly issueSize: number;
  /** n for the scaling test: 4n takes tens to a few hundred milliseconds. */
  readonly testSize: number;
  readonly files: (n: number) => CaseFile[];
  /** The command line, with `dir` the folder holding the files (outputs go there too). */
  readonly argv: (dir: string, n: number) => string[];
  /** Standard error's first line, when the case is refused by design. */
  readonly refused?: RegExp;
}

const FLASH = 0x0800_0000;
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const hex2 = (x: number): string => x.toString(16).toUpperCase().padStart(2, '0');

/** One Intel HEX record line (CRLF). */
function hexRecord(type: number, address: number, data: readonly number[]): string {
  const bytes = [data.length, Math.floor(address / 256) % 256, address % 256, type, ...data];
  const sum = bytes.reduce((s, b) => s + b, 0);
  return ':' + bytes.map(hex2).join('') + hex2((256 - (sum % 256)) % 256) + '\r\n';
}

/**
 * Intel HEX with one record of `size` bytes every `stride` bytes from `start`, each with its
 * own extended linear address (04) record when it crosses into a new 64 KiB page.
 */
export function recordsHex(count: number, start: number, stride: number, size: number, seed = 0): Uint8Array {
  const lines: string[] = [];
  let page = -1;
  for (let i = 0; i < count; i++) {
    const address = start + i * stride;
    const high = Math.floor(address / 0x10000);
    if (high !== page) {
      lines.push(hexRecord(4, 0, [Math.floor(high / 256), high % 256]));
      page = high;
    }
    lines.push(hexRecord(0, address % 0x10000, Array.from({ length: size }, (_, k) => (i + k + seed) % 256)));
  }
  lines.push(hexRecord(1, 0, []));
  return ascii(lines.join(''));
}

/** Sparse: 1-byte records 64 bytes apart (n = 100,000 is 1.4 MB of HEX, a 6.4 MB BIN). */
const sparseHex = (n: number): CaseFile[] => [{ name: 'sparse.hex', bytes: recordsHex(n, FLASH, 64, 1) }];

/** An ELF of `n` 4-byte segments 8 bytes apart, stripped. */
const manySegments = (n: number): Uint8Array =>
  buildElf({ segments: Array.from({ length: n }, (_, i) => ({ paddr: FLASH + 8 * i, data: 4 })), sections: 'none' });

/** A linker script with `n` 16-byte flash regions and a RAM region. */
function manyRegionsScript(n: number): Uint8Array {
  const lines = ['MEMORY', '{'];
  for (let i = 0; i < n; i++) lines.push(`  R${i} (rx) : ORIGIN = 0x${(FLASH + 16 * i).toString(16)}, LENGTH = 16`);
  lines.push('  RAM (xrw) : ORIGIN = 0x20000000, LENGTH = 64K', '}', '');
  return ascii(lines.join('\n'));
}

/** An ELF with one 16-byte segment per flash region of manyRegionsScript, so every window keeps bytes. */
const regionsElf = (n: number): Uint8Array =>
  buildElf({ segments: [{ paddr: FLASH, data: 16 * n }], sections: 'auto' });

/**
 * `n` PROGBITS sections of 4 bytes in one segment, 4 bytes of padding after each (so that there
 * are n ranges to name sections for), and one NOBITS section over all of them.
 */
function nobitsOverSections(n: number): Uint8Array {
  const sections = Array.from({ length: n }, (_, i) => ({ name: `.t${i}`, segment: 0, offset: 8 * i, size: 4, type: SHT_PROGBITS, flags: SHF_ALLOC }));
  return buildElf({
    segments: [{ paddr: FLASH, data: 8 * n }],
    sections: [...sections, { name: '.bss', segment: 0, offset: 0, size: 8 * n, type: SHT_NOBITS, flags: SHF_ALLOC | 1 }],
  });
}

/**
 * An ELF of `n` 4-byte sections in one segment whose one symbol table (defining `crc_place` in
 * the last section) is listed `n` times: the builder's table, then n - 1 copies of its section
 * header appended to the header table.
 */
function manySymbolTables(n: number): Uint8Array {
  const base = buildElf({
    segments: [{ paddr: FLASH, data: 4 * n }],
    sections: Array.from({ length: n }, (_, i) => ({ name: `.t${i}`, segment: 0, offset: 4 * i, size: 4, flags: SHF_ALLOC })),
    symbols: [{ name: 'crc_place', value: FLASH + 4 * (n - 1), section: n - 1 }],
  });
  const view = new DataView(base.buffer, base.byteOffset, base.byteLength);
  const shoff = view.getUint32(32, true);
  const shnum = view.getUint16(48, true);
  // Headers: null, the n sections, .symtab, .strtab, .shstrtab.
  const symtab = base.subarray(shoff + (n + 1) * 40, shoff + (n + 2) * 40);
  const out = new Uint8Array(base.length + (n - 1) * 40);
  out.set(base);
  for (let k = 0; k < n - 1; k++) out.set(symtab, base.length + 40 * k);
  new DataView(out.buffer).setUint16(48, shnum + n - 1, true);
  return out;
}

/** Two 16-byte records at the ends of the 32-bit address space (nothing in between). */
const farApartHex = (): CaseFile[] => [{ name: 'ends.hex', bytes: ascii(hexRecord(0, 0, new Array(16).fill(1)) + hexRecord(4, 0, [0xff, 0xff]) + hexRecord(0, 0xfff0, new Array(16).fill(2)) + hexRecord(1, 0, [])) }];

export const SCALING_CASES: readonly ScalingCase[] = [
  {
    name: 'sparse HEX to BIN',
    unit: 'records',
    issueSize: 100_000,
    testSize: 8_000,
    files: sparseHex,
    argv: (dir) => [`${dir}/sparse.hex`, '-o', `${dir}/out.bin`],
  },
  {
    name: 'sparse HEX to DfuSe',
    unit: 'records',
    issueSize: 100_000,
    testSize: 8_000,
    files: sparseHex,
    argv: (dir) => [`${dir}/sparse.hex`, '-o', `${dir}/out.dfu`],
  },
  {
    name: '--overlap replace, two HEX files',
    unit: 'records per file',
    issueSize: 6_400,
    testSize: 4_000,
    files: (n) => [
      { name: 'a.hex', bytes: recordsHex(n, FLASH, 16, 16) },
      { name: 'b.hex', bytes: recordsHex(n, FLASH + 4, 16, 8, 7) },
    ],
    argv: (dir) => [`${dir}/a.hex`, `${dir}/b.hex`, '--overlap', 'replace', '-o', `${dir}/out.hex`],
  },
  {
    name: '--json on many segments',
    unit: 'segments',
    issueSize: 65_534,
    testSize: 4_000,
    files: (n) => [{ name: 'seg.elf', bytes: manySegments(n) }],
    argv: (dir) => [`${dir}/seg.elf`, '--json', '-o', `${dir}/out.hex`],
  },
  {
    name: 'linker script with many MEMORY regions',
    unit: 'regions',
    issueSize: 150_000,
    testSize: 2_000,
    files: (n) => [
      { name: 'many.ld', bytes: manyRegionsScript(n) },
      { name: 'app.elf', bytes: regionsElf(n) },
    ],
    argv: (dir) => [`${dir}/app.elf`, '--ld', `${dir}/many.ld`, '-o', `${dir}/out.hex`],
  },
  {
    name: 'many -r windows',
    unit: 'windows',
    issueSize: 150_000,
    testSize: 5_000,
    files: (n) => [{ name: 'app.elf', bytes: regionsElf(n) }],
    argv: (dir, n) => [
      `${dir}/app.elf`,
      '-o',
      `${dir}/out.hex`,
      ...Array.from({ length: n }, (_, i) => ['-r', `R${i}=0x${(FLASH + 16 * i).toString(16)}:16`]).flat(),
    ],
  },
  {
    name: 'many --region=... windows (the forms yargs reads)',
    unit: 'windows',
    issueSize: 150_000,
    testSize: 5_000,
    files: (n) => [{ name: 'app.elf', bytes: regionsElf(n) }],
    argv: (dir, n) => [`${dir}/app.elf`, '-o', `${dir}/out.hex`, ...Array.from({ length: n }, (_, i) => `--region=R${i}=0x${(FLASH + 16 * i).toString(16)}:16`)],
  },
  {
    name: 'one NOBITS section over many sections',
    unit: 'sections',
    issueSize: 65_000,
    testSize: 8_000,
    files: (n) => [{ name: 'nobits.elf', bytes: nobitsOverSections(n) }],
    argv: (dir) => [`${dir}/nobits.elf`, '-o', `${dir}/out.hex`],
  },
  {
    name: 'many symbol tables, --crc on a symbol',
    unit: 'symbol tables',
    issueSize: 10_000,
    testSize: 4_000,
    files: (n) => [{ name: 'symtabs.elf', bytes: manySymbolTables(n) }],
    argv: (dir) => [`${dir}/symtabs.elf`, '--crc', 'crc32@crc_place', '-o', `${dir}/out.hex`],
  },
  {
    name: 'inspect with many findings',
    unit: 'findings',
    issueSize: 65_533,
    testSize: 2_000,
    files: (n) => [{ name: 'seg.elf', bytes: manySegments(n) }],
    argv: (dir) => ['inspect', `${dir}/seg.elf`, '-r', 'FLASH=0x08000000:4'],
  },
];

/** Cases whose cost must not follow the address span (checked by peak memory, not time). */
export const SPAN_CASES: readonly ScalingCase[] = [
  {
    name: '--pad-window all on a HEX input',
    unit: 'bytes',
    issueSize: 1,
    testSize: 1,
    files: farApartHex,
    argv: (dir) => [`${dir}/ends.hex`, '--pad-window', 'all', '-o', `${dir}/out.hex`],
    refused: /^flashcut: error: --pad-window would add 4,294,967,264 bytes of fill to the whole 32-bit address space .*: name the windows with --region$/,
  },
  {
    name: '--fill-gaps on a HEX input',
    unit: 'bytes',
    issueSize: 1,
    testSize: 1,
    files: farApartHex,
    argv: (dir) => [`${dir}/ends.hex`, '--fill-gaps', '-o', `${dir}/out.hex`],
    refused: /^flashcut: error: --fill-gaps would add 4,294,967,264 bytes of fill to the whole 32-bit address space .*: name the windows with --region$/,
  },
];
