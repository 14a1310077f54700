import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildElf, pattern } from './helpers/elf-builder.js';
import { decodeIntelHex } from './helpers/ihex-decode.js';
import { runCli } from './helpers/run-cli.js';
import { describeWithTools, srecCat } from './helpers/tools.js';
import { tempFolder } from './helpers/temp.js';

const root = new URL('..', import.meta.url).pathname;
const sane = join(root, 'samples/stm32-seed/sane.elf');
const { path: dir, file } = tempFolder('merge');

const decode = (path: string) => decodeIntelHex(readFileSync(path, 'latin1'));

// A boot loader in the first 16 KiB and an application after it, as separate links give them.
const boot = file('boot.elf', buildElf({ entry: 0x0800_0101, segments: [{ paddr: 0x0800_0000, data: pattern(600, 1) }, { paddr: 0x0800_0258, vaddr: 0x2000_0000, data: pattern(40, 2) }] }));
const app = file('app.elf', buildElf({ entry: 0x0800_4201, segments: [{ paddr: 0x0800_4000, data: pattern(3000, 3) }] }));
const clash = file('clash.elf', buildElf({ segments: [{ paddr: 0x0800_0200, data: pattern(64, 9) }] }));

describe('merging inputs', () => {
  it('refuses overlapping inputs, naming both and the address', async () => {
    const { code, stderr } = await runCli([boot, clash, '-o', join(dir, 'x.hex')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/boot\.elf segment 0 \(\.seg0\) and .*clash\.elf segment 0 \(\.seg0\) put different bytes at 0x08000200/);
  });

  it('--overlap replace lets the later input win, keep the earlier', async () => {
    for (const [policy, expected] of [
      ['replace', pattern(64, 9)[0]],
      ['keep', pattern(600, 1)[0x200]],
    ] as const) {
      const out = join(dir, `${policy}.hex`);
      expect((await runCli([boot, clash, '-o', out, '--overlap', policy, '-q'])).code).toBe(0);
      expect(decode(out).bytes.get(0x0800_0200)).toBe(expected);
    }
  });

  it('takes the start address from the first input, or --start-address, or none', async () => {
    const out = join(dir, 'start.hex');
    await runCli([boot, app, '-o', out, '-q']);
    expect(decode(out).startLinear).toBe(0x0800_0101);
    await runCli([app, boot, '-o', out, '-q']);
    expect(decode(out).startLinear).toBe(0x0800_4201);
    await runCli([boot, app, '-o', out, '-q', '--start-address', '0x08004001']);
    expect(decode(out).startLinear).toBe(0x0800_4001);
    await runCli([boot, app, '-o', out, '-q', '--start-address', 'none']);
    expect(decode(out).startLinear).toBeUndefined();
    await runCli([boot, app, '-o', out, '-q', '--no-start-address']);
    expect(decode(out).startLinear).toBeUndefined();
  });

  // The README asks for a placeholder at WHERE; bytes that are neither erased nor zero were code or data.
  describe('a checksum over bytes that are not a placeholder', () => {
    // The app's first bytes are pattern bytes (code), its padded window's last word is fill (0xFF).
    const args = [app, '-r', 'APP=0x08004000:16K', '--pad-window', 'APP'];
    it('is a warning naming the bytes it replaced, in the summary and in --json', async () => {
      const out = join(dir, 'crc-over-code.hex');
      const { code, stderr } = await runCli([...args, '-o', out, '--crc', 'crc32@0x08004010']);
      expect(code).toBe(0);
      const replaced = [...pattern(3000, 3).subarray(0x10, 0x14)].map((b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
      expect(stderr.replace(/\s+/g, " ")).toContain(`checksum-over-data: the crc32 at 0x08004010 replaced ${replaced}, which is neither erased (0xFF) nor zero`);
      const json = JSON.parse((await runCli([...args, '-o', out, '--crc', 'crc32@0x08004010', '--json'])).stdout) as { findings: { code: string }[]; transforms: { replaced?: number[] }[] };
      expect(json.findings.map((f) => f.code)).toContain('checksum-over-data');
      expect(json.transforms.at(-1)?.replaced).toEqual([...pattern(3000, 3).subarray(0x10, 0x14)]);
    });
    it('fails --strict, writing nothing', async () => {
      const out = join(dir, 'crc-strict.hex');
      const { code } = await runCli([...args, '-o', out, '--crc', 'crc32@0x08004010', '--strict']);
      expect(code).toBe(3);
      expect(() => readFileSync(out)).toThrow();
    });
    it('is no finding over erased bytes (a placeholder)', async () => {
      const { code, stderr } = await runCli([...args, '-o', join(dir, 'crc-ok.hex'), '--crc', 'crc32@0x08007FFC', '--strict']);
      expect([code, stderr]).toEqual([0, expect.not.stringContaining('checksum-over-data')]);
    });
  });

  it('reports every transform in the summary and in --json', async () => {
    const out = join(dir, 'report.hex');
    const { code, stderr } = await runCli([sane, '-o', out, '-r', 'FLASH=0x08000000:0xFF00', '-r', 'IDFLASH=0x0800FF00:256', '--align', '32', '--pad-window', 'IDFLASH', '--crc', 'crc32@0x0800FFFC']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/added +pad-window IDFLASH: 240 bytes of fill in 1 range/);
    expect(stderr).toMatch(/align 32: 28 bytes of fill in 1 range, first at 0x08000104/);
    expect(stderr).toMatch(/crc32 0x[0-9A-F]{8} at 0x0800FFFC, over 0x0800FF00-0x0800FFFF/);
    const json = await runCli([sane, '-o', out, '-r', 'FLASH=0x08000000:0xFF00', '-r', 'IDFLASH=0x0800FF00:256', '--align', '32', '--json']);
    const document = JSON.parse(json.stdout) as { transforms: { kind: string; unit: number }[] };
    expect(document.transforms).toEqual([expect.objectContaining({ kind: 'align', unit: 32 })]);
  });

  it.each([
    [['--crc', 'md5@0x08000000'], /unknown checksum 'md5'/],
    [['--crc', 'crc32'], /expected ALGORITHM@WHERE/],
    [['--crc', 'crc32@no_such_symbol'], /no ELF input defines the symbol no_such_symbol/],
    [['--align', '12'], /power of two/],
    [['--pad-window', 'OTP'], /--pad-window OTP: no such window/],
    [['--overlap', 'merge'], /--overlap merge: choose one of error, replace, keep/],
  ])('refuses %j', async (extra, message) => {
    const { code, stderr } = await runCli([sane, '-o', join(dir, 'bad.hex'), ...extra]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('refuses a checksum over a range with holes, pointing at --fill-gaps', async () => {
    const { code, stderr } = await runCli([boot, app, '-o', join(dir, 'holes.hex'), '--crc', 'crc32@0x08004000:0x08000000-0x08004BB8']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/unfilled bytes, the first at 0x08000280: fill them with --fill-gaps or --pad-window/);
  });
});

describeWithTools('merge and transforms against objcopy and srec_cat', ['arm-none-eabi-objcopy', 'srec_cat', 'arm-none-eabi-nm'], () => {
  it('a boot loader and an application merge into the union of their objcopy images', async () => {
    const out = join(dir, 'combined.hex');
    expect((await runCli([boot, app, '-o', out, '-q'])).code).toBe(0);
    for (const elf of [boot, app]) execFileSync('arm-none-eabi-objcopy', ['-O', 'ihex', elf, `${elf}.hex`]);
    srecCat([`${boot}.hex`, '-intel', `${app}.hex`, '-intel', '-o', join(dir, 'union.hex'), '-intel']);
    expect(decode(out).bytes).toEqual(decode(join(dir, 'union.hex')).bytes);
  });

  it('--align 32 equals objcopy output padded by srec_cat -range-pad 32', async () => {
    const out = join(dir, 'aligned.hex');
    expect((await runCli([sane, '-o', out, '-q', '--align', '32'])).code).toBe(0);
    const golden = join(root, 'test/golden/stm32-seed/sane.objcopy.hex');
    const padded = join(dir, 'padded.hex');
    srecCat([golden, '-intel', '-fill', '0xFF', '-within', golden, '-intel', '-range-pad', '32', '-o', padded, '-intel']);
    const ours = decode(out).bytes;
    expect(ours).toEqual(decode(padded).bytes);
    const addresses = [...ours.keys()].sort((a, b) => a - b);
    const runs = addresses.filter((a, i) => addresses[i - 1] !== a - 1).concat(addresses.filter((a, i) => addresses[i + 1] !== a + 1).map((a) => a + 1));
    for (const boundary of runs) expect(boundary % 32).toBe(0);
  });

  it('a crc32-stm32 at an ELF symbol equals srec_cat -STM32 at the address nm gives', async () => {
    const out = join(dir, 'crc.hex');
    const args = [sane, '-q', '-r', 'FLASH=0x08000000:0xFF00', '-r', 'IDFLASH=0x0800FF00:256', '--pad-window', 'IDFLASH'];
    expect((await runCli([...args, '-o', out, '--crc', 'crc32-stm32@g_device_id'])).code).toBe(0);
    const nm = execFileSync('arm-none-eabi-nm', [sane], { encoding: 'utf8' });
    const place = parseInt(/^([0-9a-f]{8}) \w g_device_id$/m.exec(nm)?.[1] ?? 'x', 16);
    const plain = join(dir, 'plain.hex');
    expect((await runCli([...args, '-o', plain])).code).toBe(0);
    const theirs = join(dir, 'theirs.hex');
    const p = `0x${place.toString(16)}`;
    const end = `0x${(place + 4).toString(16)}`;
    srecCat([plain, '-intel', '-crop', '0x0800FF00', '0x08010000', '-exclude', p, end, '-STM32', p, '-o', theirs, '-intel']);
    const crcBytes = (path: string) => [0, 1, 2, 3].map((i) => decode(path).bytes.get(place + i));
    expect(crcBytes(out)).toEqual(crcBytes(theirs));
    expect(crcBytes(out)).not.toEqual(crcBytes(plain));
  });
});
