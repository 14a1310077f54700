import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectInput } from '../src/pipeline/inspect.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { applyTransforms } from '../src/transform/transforms.js';
import { buildMemoryMap, type MapRun } from '../src/report/memory-map.js';
import { memoryMapSvg } from '../src/report/memory-map-svg.js';
import { reportHtml } from '../src/report/html-report.js';
import { main } from '../src/cli/main.js';
import { flashWindowsOf } from '../src/windows/ld-windows.js';
import { readLinkerScript } from './helpers/linker-script.js';
import { tempFolder } from './helpers/temp.js';

const SEED = 'samples/stm32-seed/broken.elf';
const FOUR = 'samples/h7-four-windows/four.elf';
const SEED_WINDOWS = ['FLASH=0x08000000:0xFF00', 'IDFLASH=0x0800FF00:256'].map((r) => parseRegion(r));

/** A shape of the picture: its class words, data attributes and geometry. */
interface Shape {
  readonly classes: string[];
  readonly attrs: Record<string, string>;
}

function shapes(svg: string, tag: string): Shape[] {
  return [...svg.matchAll(new RegExp(`<${tag}\\s([^>]*)>`, 'g'))].map((m) => {
    const attrs = Object.fromEntries([...(m[1] ?? '').matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1] ?? '', a[2] ?? '']));
    return { classes: (attrs.class ?? '').split(' '), attrs };
  });
}

/** Each band's SVG (its <g class="band ...">...</g>), by name. */
function bands(svg: string): Map<string, string> {
  return new Map([...svg.matchAll(/<g class="band [^"]*" data-name="([^"]*)"[\s\S]*?\n<\/g>/g)].map((m) => [m[1] ?? '', m[0]]));
}

/** The ranges of one bar class (`range` or `detail-range`) as [kind, label, start, end, x, width]. */
function ranges(bandSvg: string, cls: 'range' | 'detail-range') {
  return shapes(bandSvg, 'rect')
    .filter((s) => s.classes[0] === cls)
    .map((s) => ({
      kind: s.classes[1],
      label: s.attrs['data-label'],
      start: Number(s.attrs['data-start']),
      end: Number(s.attrs['data-end']),
      x: Number(s.attrs.x),
      width: Number(s.attrs.width),
    }));
}

/** The x and width of a bar (`band-bar` or `detail-bar`) of a band. */
function bar(bandSvg: string, cls: 'band-bar' | 'detail-bar'): { x: number; width: number } {
  const found = shapes(bandSvg, 'rect').find((s) => s.classes[0] === cls);
  if (!found) throw new Error(`no ${cls}`);
  return { x: Number(found.attrs.x), width: Number(found.attrs.width) };
}

function seedRun(): MapRun {
  return { inputs: [{ path: SEED, analysis: inspectInput(readFileSync(SEED), { windows: SEED_WINDOWS }) }] };
}

describe('memory map of the seed (FLASH + IDFLASH, a RAM segment dropped)', () => {
  const svg = memoryMapSvg(buildMemoryMap(seedRun()));
  const byName = bands(svg);

  it('has a band per window and one for the RAM the dropped segment would have gone to, in address order', () => {
    expect([...byName.keys()]).toEqual(['FLASH', 'IDFLASH', 'SRAM']);
    expect(byName.get('SRAM')).toContain('class="band dropped"');
  });

  // The sections' load ranges, from the README's inspect table (readelf agrees).
  it.each([
    ['FLASH', 'kept', '.isr_vector', 0x08000000, 0x40],
    ['FLASH', 'kept', '.text', 0x08000040, 0xa0],
    ['FLASH', 'kept', '.data', 0x080000e0, 0x1c],
    ['IDFLASH', 'kept', '.idsection', 0x0800ff00, 0x10],
    ['SRAM', 'dropped', '.bss', 0x2000003c, 0x231c],
    ['SRAM', 'dropped', '._user_heap_stack', 0x20002358, 0x600],
    ['SRAM', 'dropped', '.ram_code', 0x20002958, 0x6],
  ])('%s holds %s %s at %s', (band, kind, label, start, size) => {
    const g = byName.get(band) ?? '';
    const found = ranges(g, 'range').filter((r) => r.label === label);
    expect(found).toHaveLength(1);
    const r = found[0]!;
    expect([r.kind, r.start, r.end]).toEqual([kind, start, start + size]);
    // At its proportional place on the band's own scale.
    const b = bar(g, 'band-bar');
    const bandStart = Number(/data-start="([^"]+)"/.exec(g)?.[1]);
    const bandEnd = Number(/data-end="([^"]+)"/.exec(g)?.[1]);
    expect(r.x).toBeCloseTo(b.x + ((start - bandStart) / (bandEnd - bandStart)) * b.width, 1);
    expect(r.width).toBeCloseTo(Math.max(1.5, (size / (bandEnd - bandStart)) * b.width), 1);
  });

  it('draws exactly one shape per kept and dropped range, and none else', () => {
    const all = [...byName.values()].flatMap((g) => ranges(g, 'range'));
    expect(all.map((r) => `${r.kind} ${r.label}`)).toEqual([
      'kept .isr_vector',
      'kept .text',
      'kept .data',
      'kept .idsection',
      'dropped .bss',
      'dropped ._user_heap_stack',
      'dropped .ram_code',
    ]);
  });

  it('magnifies the 252 bytes of FLASH, to scale inside the detail strip', () => {
    const g = byName.get('FLASH') ?? '';
    const detail = ranges(g, 'detail-range');
    const b = bar(g, 'detail-bar');
    expect(detail.map((r) => r.label)).toEqual(['.isr_vector', '.text', '.data']);
    expect(detail[1]?.x).toBeCloseTo(b.x + (0x40 / 0xfc) * b.width, 1);
    expect(g).toContain('>.text</text>');
  });

  it('labels the bands, the usage, the axis breaks, the legend and the findings', () => {
    expect(svg).toContain('used 252 of 65,280 bytes (0.4%)');
    expect(svg).toContain('used 16 of 256 bytes (6.3%)');
    expect(svg).toContain('IDFLASH continues at 0x0800FF00 (touching: one span)');
    expect(svg).toMatch(/axis broken: 383.9 MiB not drawn \(0x08010000-0x2000003B\)/);
    for (const name of ['.isr_vector', '.text', '.data', '.idsection', '.bss', '._user_heap_stack', '.ram_code']) {
      expect(svg).toContain(`>${name}</text>`);
    }
    expect(svg).toContain('1. error ram-section-without-at at 0x20002958');
    const pins = shapes(svg, 'g').filter((s) => s.classes[0] === 'pin');
    expect(pins.map((p) => [p.attrs['data-finding'], p.attrs['data-address']])).toEqual([
      ['1', '0x20002958'],
      ['2', '0x2000003C'],
    ]);
    // Every range has a hover naming its section, range and size.
    expect(svg).toContain('<title>.ram_code dropped, outside every window (SRAM): 0x20002958-0x2000295D, 6 bytes (segment 4)</title>');
  });

  it('is a standalone SVG with nothing external', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.replace('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:|href=|<script|<image|@import/);
  });
});

describe('memory map of a four-window image (STM32H7B3-like) with --align 32', () => {
  const ld = 'samples/h7-four-windows/four.ld';
  const { windows, ram } = flashWindowsOf(readLinkerScript(ld, []), `--ld ${ld}`, undefined);
  const analysis = inspectInput(readFileSync(FOUR), { windows, ramRegions: ram, writeUnit: 32 });
  const { image, transforms } = applyTransforms(analysis.selection.image, analysis.windows, { align: 32 });
  const svg = memoryMapSvg(buildMemoryMap({ inputs: [{ path: FOUR, analysis }], image, transforms }));
  const byName = bands(svg);

  it('draws the four windows and the RAM of the dropped frame buffer, with breaks between far-apart ones', () => {
    expect([...byName.keys()]).toEqual(['BANK1', 'BANK2', 'AXISRAM', 'OSPI2', 'OSPI1']);
    expect(svg).toContain('BANK2 continues at 0x08100000 (touching: one span)');
    expect(svg).toContain('axis broken: 448 MiB not drawn (0x74000000-0x8FFFFFFF)');
  });

  it('draws the alignment fill as one shape where --align puts it', () => {
    const fill = [...byName.values()].flatMap((g) => ranges(g, 'range')).filter((r) => r.kind === 'fill');
    const added = transforms.flatMap((t) => (t.kind === 'align' ? t.added : []));
    expect(added.length).toBeGreaterThan(0);
    expect(fill.map((r) => [r.start, r.end])).toEqual(added.map((s) => [s.start, s.end]));
    expect(svg).toContain('fill (--align 32): added by a transform');
  });

  it('keeps each window section in its own band', () => {
    const labels = (name: string) => ranges(byName.get(name) ?? '', 'range').map((r) => `${r.kind} ${r.label}`);
    expect(labels('BANK2')).toEqual(['kept .settings']);
    expect(labels('OSPI2')).toEqual(['kept .fonts']);
    expect(labels('OSPI1')).toEqual(['kept .images']);
    expect(labels('AXISRAM')).toEqual(['dropped .framebuffer']);
  });
});

describe('inspect --svg / --html', () => {
  const dir = tempFolder('map').path;
  const run = async (...argv: string[]) => {
    let stderr = '';
    const code = await main(argv, { stdout: { write: () => true } as unknown as NodeJS.WritableStream, stderr: { write: (t: string) => (stderr += t) }, width: 80 });
    return { code, stderr };
  };

  it('writes the picture and the report the library makes', async () => {
    const svg = path.join(dir, 'map.svg');
    const html = path.join(dir, 'report.html');
    const { code } = await run('inspect', SEED, '-r', 'FLASH=0x08000000:0xFF00', '-r', 'IDFLASH=0x0800FF00:256', '--svg', svg, '--html', html);
    expect(code).toBe(0);
    expect(readFileSync(svg, 'utf8')).toBe(memoryMapSvg(buildMemoryMap(seedRun())) + '\n');
    const page = readFileSync(html, 'utf8');
    expect(page).toBe(reportHtml(seedRun()));
    expect(page).not.toMatch(/<script|<link|src=|@import/);
    expect(page).toContain("default-src 'none'");
    expect(page).toContain('ram-section-without-at');
  });

  it('refuses --html on a conversion', async () => {
    const { code, stderr } = await run(SEED, '-o', path.join(dir, 'x.hex'), '--html', path.join(dir, 'r.html'));
    expect(code).toBe(2);
    expect(stderr).toBe('flashcut: error: --html is an option of inspect: flashcut inspect INPUT --html FILE\n');
  });
});
