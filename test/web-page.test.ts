import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTools } from './helpers/tools.js';
import { runCli } from './helpers/run-cli.js';

// The browser page (dist/web/flashcut.html, made by npm run build) in Debian's chromium,
// opened from file://: its downloads must be the command line's bytes, it must show what the
// command line reports, and it must make no network request. Screenshots of the page and of
// the HTML report go to test-out/ for review (not compared).

const PAGE = path.resolve('dist/web/flashcut.html');
const OUT = path.resolve('test-out');
const SEED = 'samples/stm32-seed';
const REGIONS = ['FLASH=0x08000000:0xFF00', 'IDFLASH=0x0800FF00:256'];

describeWithTools('the browser page in chromium', ['chromium'], () => {
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const scratch = mkdtempSync(path.join(tmpdir(), 'flashcut-web-'));
  /** Every request the browser made that is not for a local file (the page, a report), a blob: download or a data: URL. */
  const network: string[] = [];

  beforeAll(async () => {
    if (!existsSync(PAGE)) throw new Error(`${PAGE} is missing: run npm run build`);
    mkdirSync(OUT, { recursive: true });
    profile = mkdtempSync(path.join(tmpdir(), 'flashcut-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-default-apps'],
    });
    context.on('request', (request) => {
      const url = request.url();
      if (!/^(blob|data|file):/.test(url)) network.push(url);
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(pathToFileURL(PAGE).href);
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Sets the page up afresh: the inputs, the windows and the format. */
  async function convert(inputs: readonly string[], windows: { regions?: readonly string[]; ld?: readonly string[] }, format: string, extra: () => Promise<void> = async () => {}) {
    await page.reload();
    await page.setInputFiles('#files', [...inputs]);
    if (windows.regions) {
      await page.check('input[name="windows"][value="regions"]');
      await page.fill('#regions', windows.regions.join('\n'));
    }
    if (windows.ld) await page.setInputFiles('#ld-files', [...windows.ld]);
    await page.selectOption('#format', format);
    await extra();
    await page.click('#convert');
  }

  async function download(name: string): Promise<Buffer> {
    const [file] = await Promise.all([page.waitForEvent('download'), page.click(`a.download[download="${name}"]`)]);
    const target = path.join(scratch, `${Date.now()}-${name}`);
    await file.saveAs(target);
    return readFileSync(target);
  }

  it.each([
    ['hex', 'broken.hex'],
    ['bin', 'broken.bin'],
    ['srec', 'broken.srec'],
    ['dfu', 'broken.dfu'],
    ['uf2', 'broken.uf2'],
  ])('downloads the same %s bytes as the command line', async (format, name) => {
    await convert([`${SEED}/broken.elf`], { regions: REGIONS }, format);
    const cli = await runCli([`${SEED}/broken.elf`, '-o', '-', '-f', format, ...REGIONS.flatMap((r) => ['-r', r])]);
    expect(cli.code).toBe(0);
    const bytes = await download(name);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.equals(cli.stdoutBytes)).toBe(true);
  });

  it('shows the dropped RAM segment, the finding with its fix, and the memory map', async () => {
    await convert([`${SEED}/broken.elf`], { regions: REGIONS }, 'hex');
    const summary = await page.textContent('#summary');
    expect(summary).toContain('dropped  segment 4  0x2000003C-0x2000295D  10,530 bytes  outside every window: .bss ._user_heap_stack .ram_code');
    expect(summary).toContain('error    ram-section-without-at');
    const report = page.locator('#report');
    await expect.poll(() => report.locator('.finding.error').count()).toBe(1);
    expect(await report.locator('.finding.error').textContent()).toContain("fix: in the linker script, place .ram_code with '>RAM AT> FLASH'");
    expect(await report.locator('svg .band.dropped').getAttribute('data-name')).toBe('SRAM');
    expect(await report.locator('svg rect.range.dropped').count()).toBe(3);
    await page.screenshot({ path: path.join(OUT, 'page-broken-1280x800.png') });
    await page.screenshot({ path: path.join(OUT, 'page-broken-full.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(OUT, 'page-broken-phone.png'), fullPage: true });
    await page.screenshot({ path: path.join(OUT, 'page-broken-phone-first-screen.png') });
    await page.locator('#result').screenshot({ path: path.join(OUT, 'page-broken-phone-result.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('takes the windows from a linker script and the file it INCLUDEs', async () => {
    await convert([`${SEED}/sane.elf`], { ld: [`${SEED}/sane.ld`, `${SEED}/memory.ld`] }, 'hex');
    expect(await page.inputValue('#ld-script')).toBe('sane.ld');
    const summary = await page.textContent('#summary');
    expect(summary).toContain('windows  FLASH    0x08000000-0x0800FEFF  (--ld sane.ld: FLASH (rx), no w attribute)');
    expect(summary).toContain('IDFLASH  0x0800FF00-0x0800FFFF  (--ld sane.ld: IDFLASH (r), no w attribute)');
    const cli = await runCli([`${SEED}/sane.elf`, '-o', '-', '-f', 'hex', '--ld', `${SEED}/sane.ld`]);
    expect((await download('sane.hex')).equals(cli.stdoutBytes)).toBe(true);
  });

  it('splits a BIN per window as --split does, for the four-window sample', async () => {
    const ld = 'samples/h7-four-windows';
    await convert([`${ld}/four.elf`], { ld: [`${ld}/four.ld`, `${ld}/memory.ld`] }, 'bin', () => page.check('#split'));
    const cliOut = path.join(scratch, 'four.bin');
    expect((await runCli([`${ld}/four.elf`, '-o', cliOut, '--ld', `${ld}/four.ld`, '--split'])).code).toBe(0);
    for (const window of ['BANK1', 'BANK2', 'OSPI2', 'OSPI1']) {
      expect((await download(`four.${window}.bin`)).equals(readFileSync(path.join(scratch, `four.${window}.bin`)))).toBe(true);
    }
    await page.screenshot({ path: path.join(OUT, 'page-four-windows-full.png'), fullPage: true });
  });

  it('shows the command line\'s one-line error for a malformed input', async () => {
    const bad = path.join(scratch, 'bad.hex');
    writeFileSync(bad, ':020000040800F2\r\n:10000000000102030405060708090A0B0C0D0E0F00\r\n:00000001FF\r\n');
    await convert([bad], {}, 'hex');
    const cli = await runCli(['bad.hex', '-o', '-'], { cwd: scratch });
    expect(cli.code).toBe(1);
    await expect.poll(() => page.isVisible('#error')).toBe(true);
    expect(await page.textContent('#error')).toBe(cli.stderr.trim());
  });

  it('writes screenshots of the HTML report the command line makes', async () => {
    const reports = [
      ['report-broken', [`${SEED}/broken.elf`, ...REGIONS.flatMap((r) => ['-r', r])]],
      ['report-four-windows', ['samples/h7-four-windows/four.elf', '--ld', 'samples/h7-four-windows/four.ld', '--align', '32']],
    ] as const;
    for (const [name, args] of reports) {
      const html = path.join(OUT, `${name}.html`);
      expect((await runCli(['inspect', ...args, '--html', html])).code).toBe(0);
      await page.goto(pathToFileURL(html).href);
      await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
    }
    copyFileSync(PAGE, path.join(OUT, 'flashcut.html'));
  });

  it('made no network request', () => {
    expect(network).toEqual([]);
  });
});
