import { expect, it } from 'vitest';
import { describeWithTools } from './helpers/tools.js';
import { withRunAddressesAsLoadAddresses } from './helpers/wrong-elf.js';
import {
  compareWithOracle,
  describeFailure,
  flashcutHex,
  LAYOUT_TOOLS,
  runLayouts,
  type BuiltLayout,
  type HexConverter,
} from './layouts/differential.js';

/** Fixed, so CI replays the same 200 layouts; `npm run test:layouts` draws fresh seeds. */
const SEED = 0x5eed_0005;
const COUNT = 200;

/** Layouts that once failed, replayed on every run: seed and what it found. */
const REGRESSION_SEEDS: readonly [number, string][] = [
  [3676583663, 'an empty section only: flashcut programmed the PT_LOAD of ELF headers and padding'],
  [3754668754, 'the same at 0xFFF00000'],
  [676088702, 'ld cannot fit the program headers before the bank: relinked with -N'],
];

/** flashcut on a copy of the ELF whose p_paddr are its p_vaddr: `.data` lands at its RAM address. */
const atRunAddress: HexConverter = (elf, windows) => flashcutHex(withRunAddressesAsLoadAddresses(elf), windows);

/** flashcut with every window one byte short at its end. */
const shortWindows: HexConverter = (elf, windows) => flashcutHex(elf, windows.map((w) => ({ ...w, end: w.end - 1 })));

/** flashcut with one window over the whole address space: RAM sections with bytes get in. */
const noWindows: HexConverter = (elf) => flashcutHex(elf, [{ name: 'ALL', start: 0, end: 0x1_0000_0000 }]);

describeWithTools('differential layouts against GNU objcopy', LAYOUT_TOOLS, () => {
  const built: BuiltLayout[] = [];

  it(`${COUNT} generated layouts give the same bytes as objcopy (seed ${SEED})`, async () => {
    const failures = await runLayouts(SEED, COUNT, 4, flashcutHex, (b) => built.push(b));
    expect(failures.map(describeFailure).join('\n\n')).toBe('');
    expect(built).toHaveLength(COUNT);
  });

  it.each(REGRESSION_SEEDS)('replays layout seed %i (%s)', async (seed) => {
    const failures = await runLayouts(seed, 1, 1);
    expect(failures.map(describeFailure).join('\n\n')).toBe('');
  });

  it('the layouts cover the cases that matter', () => {
    const loads = (b: BuiltLayout) => b.sections.filter((s) => s.size > 0 && s.flags.includes('LOAD'));
    const inWindow = (b: BuiltLayout, a: number) => b.layout.windows.some((w) => a >= w.start && a < w.end);
    const counts = {
      bigEndian: built.filter((b) => b.elf[5] === 2).length, // EI_DATA = ELFDATA2MSB: elf32-bigarm
      dataInFlash: built.filter((b) => loads(b).some((s) => s.lma !== s.vma && inWindow(b, s.lma))).length,
      ramRemoved: built.filter((b) => b.removed.length > 0).length,
      straddling: built.filter((b) => loads(b).some((s) => inWindow(b, s.lma) !== inWindow(b, s.lma + s.size - 1))).length,
      touchingWindows: built.filter((b) => b.layout.windows.some((w) => b.layout.windows.some((v) => v.start === w.end))).length,
      highAddresses: built.filter((b) => b.layout.windows.some((w) => w.start >= 0x8000_0000)).length,
      noload: built.filter((b) => b.layout.sections.some((s) => s.kind === 'noload')).length,
      manySections: built.filter((b) => b.sections.length >= 40).length,
    };
    for (const [name, n] of Object.entries(counts)) expect(n, name).toBeGreaterThanOrEqual(5);
  });

  it.each([
    ['places .data at its run address (p_vaddr)', atRunAddress],
    ['cuts every window one byte short', shortWindows],
    ['ignores the windows', noWindows],
  ])('catches a converter that %s', (_, broken: HexConverter) => {
    const caught = built.filter((b) => compareWithOracle(b, broken) !== undefined);
    expect(caught.length).toBeGreaterThan(0);
  });
});
