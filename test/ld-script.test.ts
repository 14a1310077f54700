import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLinkerScript } from './helpers/linker-script.js';
import { FormatError, UsageError } from '../src/errors.js';
import { parseLinkerScript, type LinkerScript } from '../src/windows/ld-script.js';
import { flashWindowsOf, isWritableRegion } from '../src/windows/ld-windows.js';
import { attributeSets, memoryConfiguration, regionsFromRealLink, type MapRegion } from './helpers/ld-map.js';
import { describeWithTools } from './helpers/tools.js';

const CORPUS = 'test/fixtures/ld';
const SEARCH = [`${CORPUS}/common`];

/** The corpus: each script, its golden (made by scripts/make-ld-goldens.sh), and the flash regions a reader of it expects. */
const corpus = [
  { script: `${CORPUS}/STM32F030R8TX_FLASH.ld`, golden: 'STM32F030R8TX_FLASH.ld', flash: ['FLASH'] },
  { script: `${CORPUS}/STM32F401RETX_FLASH.ld`, golden: 'STM32F401RETX_FLASH.ld', flash: ['FLASH'] },
  { script: `${CORPUS}/STM32F401RETX_RAM.ld`, golden: 'STM32F401RETX_RAM.ld', flash: ['FLASH'] },
  { script: `${CORPUS}/STM32H743ZITX_FLASH.ld`, golden: 'STM32H743ZITX_FLASH.ld', flash: ['FLASH_BANK1', 'FLASH_BANK2'] },
  { script: `${CORPUS}/nrf52840_xxaa.ld`, golden: 'nrf52840_xxaa.ld', flash: ['FLASH', 'EXTFLASH', 'uicr_bootloader_start_address'] },
  { script: `${CORPUS}/rp2040_memmap_boot2.ld`, golden: 'rp2040_memmap_boot2.ld', flash: ['BOOT2', 'FLASH'] },
  { script: `${CORPUS}/zephyr_linker.cmd`, golden: 'zephyr_linker.cmd', flash: ['FLASH'] },
  { script: `${CORPUS}/expressions.ld`, golden: 'expressions.ld', flash: ['BOOT', 'APP', 'NVM', 'TAIL', 'OTP', 'EXTFLASH', 'TOP', 'SIGNED', 'WIDE', 'LATE', 'EARLY'] },
  { script: 'samples/stm32-seed/sane.ld', golden: 'stm32-seed-sane.ld', flash: ['FLASH', 'IDFLASH'] },
  { script: 'samples/stm32-seed/broken.ld', golden: 'stm32-seed-broken.ld', flash: ['FLASH', 'IDFLASH'] },
];

/** flashcut's regions in the map's terms (low 32 bits, as ld prints them). */
function asMapRows(script: LinkerScript): MapRegion[] {
  return script.regions.map((r) => ({
    name: r.name,
    origin: Number(BigInt.asUintN(32, r.origin)),
    length: Number(BigInt.asUintN(32, r.length)),
    attributes: r.attributes ?? '',
  }));
}

function expectSameRegions(ours: LinkerScript, ld: MapRegion[]): void {
  const mine = asMapRows(ours);
  expect(mine.map(({ attributes, ...rest }) => rest)).toEqual(ld.map(({ attributes, ...rest }) => rest));
  expect(mine.map((r) => attributeSets(r.attributes))).toEqual(ld.map((r) => attributeSets(r.attributes)));
}

describe('linker script corpus against the goldens from GNU ld', () => {
  it.each(corpus)('$script', ({ script, golden }) => {
    const fromLd = memoryConfiguration(readFileSync(`test/golden/ld/${golden}.memory.txt`, 'utf8'));
    expect(fromLd.length).toBeGreaterThan(0);
    expectSameRegions(readLinkerScript(script, SEARCH), fromLd);
  });

  it.each(corpus)('takes the regions without w from $script', ({ script, flash }) => {
    const { windows } = flashWindowsOf(readLinkerScript(script, SEARCH), '--ld x');
    expect(windows.map((w) => w.name)).toEqual(flash);
  });
});

describeWithTools('linker script corpus against a live link with arm-none-eabi-gcc', ['arm-none-eabi-gcc'], () => {
  it.each(corpus)('$script', ({ script }) => {
    expectSameRegions(readLinkerScript(script, SEARCH), regionsFromRealLink(script, SEARCH));
  });
});

const parse = (text: string, include?: (name: string) => string) =>
  parseLinkerScript(text, { file: 'x.ld', include: include && ((name) => ({ file: name, text: include(name) })) });
const one = (memoryLine: string, before = '') => {
  const [region] = parse(`${before}\nMEMORY {\n ${memoryLine}\n}\n`).regions;
  return region && { origin: region.origin, length: region.length, attributes: region.attributes };
};

describe('MEMORY syntax', () => {
  it.each([
    ['FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 512K', 0x0800_0000n, 512n * 1024n, 'rx'],
    ['FLASH(rx):ORIGIN = 0x08000000,LENGTH = 1M', 0x0800_0000n, 1024n * 1024n, 'rx'],
    ['FLASH : org = 0x1000, len = 0x100', 0x1000n, 0x100n, undefined],
    ['FLASH (!w) : o = 010, l = 0100', 8n, 64n, '!w'],
    ['FLASH (rx) : ORIGIN = 0x80000000 + 0x7FFFFFFF, LENGTH = 1', 0xFFFF_FFFFn, 1n, 'rx'],
    ['FLASH (rx) : ORIGIN = 0xFFFFFFFF & 0x80000000, LENGTH = 0x80000000 | 0x7FFFFFFF', 0x8000_0000n, 0xFFFF_FFFFn, 'rx'],
    ['FLASH (rx) : ORIGIN = ~0 >> 32, LENGTH = -1 >> 32 << 4', 0xFFFF_FFFFn, 0xF_FFFF_FFF0n, 'rx'],
    ['FLASH (rx) : ORIGIN = /* here */ 4 /* and */ , /* there */ LENGTH /**/ = 2', 4n, 2n, 'rx'],
    ['F (rx) : ORIGIN = 100, LENGTH = ORIGIN(F) * 2', 100n, 200n, 'rx'],
  ])('%s', (line, origin, length, attributes) => {
    expect(one(line)).toEqual({ origin, length, attributes });
  });

  it('uses symbols assigned earlier, DEFINED and PROVIDE', () => {
    const before = 'BASE = 0x08000000; SIZE = 256K; PROVIDE(SIZE = 1); PROVIDE(EXTRA = 16K); SIZE -= EXTRA;';
    expect(one('F (rx) : ORIGIN = DEFINED(BASE) ? BASE : 0, LENGTH = DEFINED(NOPE) ? 1 : SIZE', before)).toEqual({
      origin: 0x0800_0000n,
      length: 240n * 1024n,
      attributes: 'rx',
    });
  });

  it('evaluates DEFINED in an assignment where it is written, in MEMORY at the end', () => {
    const script = parse('b = DEFINED(c) ? 3 : 4; MEMORY { R (rx) : ORIGIN = b, LENGTH = DEFINED(c) ? 3 : 4 } c = 1;');
    expect([script.symbols.get('b'), script.regions[0]?.origin, script.regions[0]?.length]).toEqual([4n, 4n, 3n]);
  });

  it('reads regions from several MEMORY commands and INCLUDEs inside MEMORY', () => {
    const files: Record<string, string> = { 'banks.ld': 'B1 (rx) : ORIGIN = 0x100, LENGTH = 0x10\nB2 (rx) : ORIGIN = 0x200, LENGTH = 0x10' };
    const script = parse('MEMORY { A (rx) : ORIGIN = 0, LENGTH = 1 INCLUDE banks.ld }\nMEMORY { C (rw) : ORIGIN = 9, LENGTH = 1 }', (n) => files[n] ?? '');
    expect(script.regions.map((r) => r.name)).toEqual(['A', 'B1', 'B2', 'C']);
  });

  it('skips SECTIONS, ENTRY and the other commands without reading their insides', () => {
    const script = parse(`OUTPUT_FORMAT("elf32-littlearm", "elf32-bigarm", "elf32-littlearm")
      ENTRY(Reset_Handler) GROUP(-lgcc -lc) SEARCH_DIR(.) FORCE_COMMON_ALLOCATION
      MEMORY { F (rx) : ORIGIN = 0, LENGTH = 4 }
      SECTIONS { .text : { *(.text*) "a}b" /* } */ } >F  /DISCARD/ : { *(.comment) } }
      INSERT AFTER .text;
      ASSERT(1, "}")`);
    expect(script.regions.map((r) => r.name)).toEqual(['F']);
  });
});

describe('malformed scripts: FormatError at file:line:column saying what was expected', () => {
  it.each([
    ['MEMORY { FLASH (rx) ORIGIN = 0, LENGTH = 1 }', "x.ld:1:21: expected ':' after the region name FLASH (rx), found 'ORIGIN'"],
    ['MEMORY {\n  FLASH (rx) : START = 0, LENGTH = 1 }', "x.ld:2:16: expected ORIGIN or org or o in region FLASH, found 'START'"],
    ['MEMORY { FLASH (rq) : ORIGIN = 0, LENGTH = 1 }', "x.ld:1:17: expected region attributes (letters r w x a i l, '!' to negate) or ')', found 'rq'"],
    ['MEMORY { FLASH (rx) : ORIGIN = 0, LENGTH = }', "x.ld:1:44: expected a number, a symbol, a function or '(', found '}'"],
    ['MEMORY { FLASH (rx) : ORIGIN = 0x, LENGTH = 1 }', "x.ld:1:32: '0x' is not a number (hex 0x..., octal 0..., or decimal, with an optional K or M)"],
    ['MEMORY { FLASH (rx) : ORIGIN = 08, LENGTH = 1 }', "x.ld:1:32: '08' is not a number (hex 0x..., octal 0..., or decimal, with an optional K or M)"],
    ['MEMORY { F (rx) : ORIGIN = SIZE, LENGTH = 1 }', 'x.ld:1:28: cannot compute the ORIGIN of region F: symbol SIZE is not assigned in the script'],
    ['MEMORY { A (rx) : ORIGIN = ORIGIN(B), LENGTH = 1\n B (rx) : ORIGIN = 4, LENGTH = 1 }', 'x.ld:1:28: cannot compute the ORIGIN of region A: ld computes the ORIGIN of region B only after this value, and would read a placeholder'],
    ['MEMORY { A (rx) : ORIGIN = LENGTH(A), LENGTH = 1 }', 'x.ld:1:28: cannot compute the ORIGIN of region A: ld computes the LENGTH of region A only after this value, and would read a placeholder'],
    ['X = ORIGIN(A); MEMORY { A (rx) : ORIGIN = 0, LENGTH = 1 }\nMEMORY { B (rx) : ORIGIN = X, LENGTH = 1 }', 'x.ld:2:28: cannot compute the ORIGIN of region B: no memory region A is defined before this point'],
    ['MEMORY { F (rx) : ORIGIN = 0, LENGTH = 1 / 0 }', 'x.ld:1:40: cannot compute the LENGTH of region F: division by zero'],
    ['MEMORY { F (rx) : ORIGIN = ALIGN(4), LENGTH = 1 }', "x.ld:1:28: cannot compute the ORIGIN of region F: ALIGN(n) aligns '.', which is known only inside SECTIONS"],
    ['MEMORY { F (rx) : ORIGIN = ADDR(.text), LENGTH = 1 }', 'x.ld:1:28: cannot compute the ORIGIN of region F: ADDR(...) is known only during a link'],
    ['MEMORY { F (rx) : ORIGIN = FOO(1), LENGTH = 1 }', 'x.ld:1:28: unknown function FOO(...)'],
    ['MEMORY { F (rx) : ORIGIN = 0, LENGTH = 1\n F (rx) : ORIGIN = 1, LENGTH = 1 }', 'x.ld:2:2: memory region F is defined twice'],
    ['MEMORY { F (rx) : ORIGIN = 0, LENGTH = 1', "x.ld:1:41: expected a region definition (NAME (attributes) : ORIGIN = ..., LENGTH = ...) or '}', found the end of the file"],
    ['X = 1\nMEMORY {}', "x.ld:2:1: expected ';' after the assignment, found 'MEMORY'"],
    ['SECTIONS { .text : { *(.text) }', "x.ld:1:10: this '{' is never closed (expected '}' before the end of the file)"],
    ['/* no end', "x.ld:1:1: this comment is never closed (expected '*/')"],
    ['42;', "x.ld:1:1: expected a command (MEMORY, SECTIONS, INCLUDE, ...) or a symbol assignment, found '42'"],
    ['X = 1 ^ 2;', 'x.ld:1:7: unexpected character "^"'],
    ['X = ' + '('.repeat(300) + '1' + ')'.repeat(300) + ';', 'x.ld:1:261: expression nested more than 256 deep'],
  ])('%j', (text, message) => {
    const error = (() => {
      try {
        parse(text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FormatError);
    const { file, line, column, message: said } = error as FormatError;
    expect(`${file}:${line}:${column}: ${said}`).toBe(message);
  });

  it('stops an INCLUDE cycle', () => {
    expect(() => parse('INCLUDE self.ld', () => 'INCLUDE self.ld')).toThrow(/INCLUDE nested more than 16 deep: does self.ld include itself\?/);
  });
});

describe('which regions are flash', () => {
  const regionsOf = (memory: string) => parse(`MEMORY { ${memory} }`);

  it.each([
    ['rx', false], ['r', false], ['xrw', true], ['RW', true], ['!w', false], ['r!w', false], ['!r!w', true], ['', false],
  ])('(%s) writable: %s', (attributes, writable) => {
    const [region] = regionsOf(`F (${attributes}) : ORIGIN = 0, LENGTH = 1`).regions;
    expect(isWritableRegion(region!)).toBe(writable);
  });

  it('says why each left-out region was left out', () => {
    const script = regionsOf('F (rx) : ORIGIN = 0, LENGTH = 4 R (rwx) : ORIGIN = 8, LENGTH = 4 Q : ORIGIN = 16, LENGTH = 4 E (r) : ORIGIN = 32, LENGTH = 0');
    expect(flashWindowsOf(script, '--ld a.ld')).toEqual({
      windows: [{ name: 'F', start: 0, end: 4, source: '--ld a.ld: F (rx), no w attribute' }],
      skipped: ['R (rwx): writable (w attribute)', 'Q: no attributes, so it may be RAM (choose it by name to take it)', 'E (r): empty'],
      ram: [{ name: 'R', start: 8, end: 12, source: '--ld a.ld: R (rwx), writable' }],
    });
  });

  it('takes named regions and aliases in the order given', () => {
    const script = parse('MEMORY { F (rx) : ORIGIN = 0, LENGTH = 4 R (rwx) : ORIGIN = 8, LENGTH = 4 } REGION_ALIAS("CODE", F);');
    const { windows, skipped } = flashWindowsOf(script, '--ld a.ld', ['R', 'CODE']);
    expect(windows.map((w) => [w.name, w.start, w.end, w.source])).toEqual([
      ['R', 8, 12, '--ld a.ld: R (rwx), chosen by name'],
      ['F', 0, 4, '--ld a.ld: F (rx), chosen by name'],
    ]);
    expect(skipped).toEqual([]);
  });

  it.each([
    ['F (rx) : ORIGIN = 0, LENGTH = 4', ['X'], /options\.ldRegions X: --ld a.ld has no such region \(its regions: F\)/],
    ['R (rw) : ORIGIN = 0, LENGTH = 4', undefined, /no flash region to take \(R \(rw\): writable \(w attribute\)\); choose the flash regions by name with options\.ldRegions/],
    ['F (rx) : ORIGIN = 0xFFFFFF00, LENGTH = 0x101', undefined, /region F at x.ld:1 \(ORIGIN 0xFFFFFF00, LENGTH 0x101\) does not fit the 32-bit address space/],
  ])('refuses %s', (memory, names, message) => {
    expect(() => flashWindowsOf(regionsOf(memory), '--ld a.ld', names)).toThrow(UsageError);
    expect(() => flashWindowsOf(regionsOf(memory), '--ld a.ld', names)).toThrow(message);
  });
});
