import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conversionOptions } from '../src/cli/main.js';
import { splitPath } from '../src/cli/split-path.js';
import { parseCommandLine } from '../src/cli/options.js';
import { resolveSettings } from '../src/cli/settings.js';
import { describeError } from '../src/cli/error-report.js';
import { FlashcutError } from '../src/errors.js';
import { planConversion, splitByWindow, writePlan } from '../src/pipeline/convert.js';
import { parseInputSpec, readInput } from '../src/read/read-input.js';
import { collectBytes } from '../src/write/format.js';
import { formatByName, formatForPath } from '../src/write/registry.js';
import { runCli } from './helpers/run-cli.js';

// The core owns every rule: each conversion of the CLI tests, run through the library with the
// options the command line maps to, gives the same bytes or the same error. A rule applied only
// by the CLI (after or beside planConversion) makes the library's outcome differ here.

const SEED = 'samples/stm32-seed';
const BROKEN = `${SEED}/broken.elf`;
const SANE = `${SEED}/sane.elf`;
const REGIONS = ['-r', 'FLASH=0x08000000:0xFF00', '-r', 'IDFLASH=0x0800FF00:256'];
const F4 = '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,03*128Kg';
const dir = mkdtempSync(join(tmpdir(), 'flashcut-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Conversions as the CLI tests run them; OUT stands for the output file (its extension picks the format). */
const CASES: readonly (readonly string[])[] = [
  [BROKEN, '-o', 'OUT.hex', ...REGIONS],
  [BROKEN, '-o', 'OUT.bin', ...REGIONS],
  [BROKEN, '-o', 'OUT.bin', '--split', ...REGIONS],
  [BROKEN, '-o', 'OUT.bin', '--split', '-r', 'A=0x08000000:64K', '-r', 'B=0x08008000:64K'],
  [BROKEN, '-o', 'OUT.bin', '-r', 'FLASH=0x08000000:64K', '-r', 'RAM=0x20000000:128K'],
  [SANE, '-o', 'OUT.bin', '-r', 'A=0x08000000:0x10', '-r', 'B=0x0800FF00:0x100', '--max-gap', '16'],
  [SANE, '-o', 'OUT.bin', '--base', '0x08000100'],
  [SANE, '-o', 'OUT.bin', '--base', '0x07FFFF00', '--pad-to', '0x08010000', ...REGIONS],
  [SANE, '-o', 'OUT.srec', '--srec-type', '37', '--srec-header', 'HDR', '--record-length', '8', ...REGIONS],
  [SANE, '-o', 'OUT.srec', '--srec-type', '19', '-r', 'HIGH=0x08000000:1M'],
  [SANE, '-o', 'OUT.dfu', '--dfu-vid', '0x1209', '--dfu-pid', '0x0002', '--dfu-alt', '1', '--dfu-target-name', 'Flash', ...REGIONS],
  [SANE, '-o', 'OUT.dfu', '--dfuse-layout', F4],
  [SANE, '-o', 'OUT.dfu', '--dfuse-layout', '@Internal Flash  /0x08000000/01*016Ka,03*016Kg,01*064Kg'],
  [SANE, '-o', 'OUT.uf2', '--uf2-family', 'STM32F4', ...REGIONS],
  [SANE, '-o', 'OUT.hex', '--align', '32', '--pad-window', 'IDFLASH', '--crc', 'crc32@0x0800FFFC', ...REGIONS],
  [SANE, '-o', 'OUT.hex', '--pad-window', 'OTP', ...REGIONS],
  [SANE, '-o', 'OUT.hex', '--fill-gaps', '--fill', '0x00', '--eol', 'lf', '--no-start-address', ...REGIONS],
  [SANE, '-o', 'OUT.hex', '--crc', 'crc32-stm32@g_device_id', '--pad-window', 'IDFLASH', ...REGIONS],
  [SANE, '-o', 'OUT.hex', '--ld', `${SEED}/sane.ld`],
  [SANE, '-o', 'OUT.hex', '-r', 'OTP=0x1FFF7800:528'],
  [SANE, BROKEN, '-o', 'OUT.hex', ...REGIONS],
  [SANE, BROKEN, '-o', 'OUT.hex', '--overlap', 'keep', ...REGIONS],
  [`${SEED}/sane.elf`, 'samples/qemu-netduinoplus2/boot.elf', '-o', 'OUT.hex'],
];

type Outcome = { files: Record<string, string> } | { error: { kind: string; message: string } };

/** The CLI's outcome: the files it wrote (hex of their bytes), or its error. */
async function viaCli(argv: readonly string[], out: string): Promise<Outcome> {
  const result = await runCli([...argv.map((a) => a.replace(/^OUT/, out)), '-q', '--json']);
  const report = JSON.parse(result.stdout) as { error?: { kind: string; message: string }; outputs?: { path: string }[] };
  if (report.error) return { error: { kind: report.error.kind, message: report.error.message } };
  return { files: Object.fromEntries((report.outputs ?? []).map((o) => [o.path.slice(out.length), readFileSync(o.path).toString('hex')])) };
}

/** The library's outcome for the same settings: planConversion, then writePlan per output (and per window with split). */
async function viaLibrary(argv: readonly string[], out: string): Promise<Outcome> {
  try {
    const parsed = await parseCommandLine(argv.map((a) => a.replace(/^OUT/, out)), () => '0', 80);
    if (parsed.kind !== 'run') throw new Error('not a run');
    const line = parsed.line;
    const settings = resolveSettings(line, parseInputSpec(line.inputs[0] ?? '').path);
    const target = settings.outputs?.[0] ?? '';
    const format = settings.format === undefined ? formatForPath(target) : formatByName(settings.format);
    const inputs = line.inputs.map((spec) => {
      const { path, base } = parseInputSpec(spec);
      return readInput(readFileSync(path), { name: path, base, format: settings.args.inputFormat });
    });
    const plan = planConversion(inputs, conversionOptions(settings, format));
    const parts = settings.args.split ? splitByWindow(plan).map(({ window, image }) => ({ path: splitPath(target, window.name), image })) : [{ path: target, image: plan.image }];
    return { files: Object.fromEntries(parts.map((p) => [p.path.slice(out.length), Buffer.from(collectBytes(writePlan(plan, p.image))).toString('hex')])) };
  } catch (error) {
    if (!(error instanceof FlashcutError)) throw error;
    const { kind, message } = describeError(error);
    return { error: { kind, message } };
  }
}

describe('the CLI and the library decide alike', () => {
  it.each(CASES.map((argv, i) => [i, argv] as const))('case %i: %j', async (i, argv) => {
    const cli = await viaCli(argv, join(dir, `cli${i}`));
    const library = await viaLibrary(argv, join(dir, `cli${i}`));
    expect(library).toEqual(cli);
  });
});
