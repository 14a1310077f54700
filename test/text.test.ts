import { describe, expect, it } from 'vitest';
import { inspectLines } from '../src/cli/inspect-view.js';
import { painter, percent, table, usageBar, wrap } from '../src/cli/text.js';
import { inspectInput } from '../src/pipeline/inspect.js';
import { parseRegion } from '../src/config/option-syntax.js';
import { buildElf } from './helpers/elf-builder.js';

describe('text layout', () => {
  it('table: columns two spaces apart, aligned left or right, no trailing spaces', () => {
    expect(table([['a', '1', 'x'], ['bbb', '22', '']], ['l', 'r'])).toEqual(['a     1  x', 'bbb  22']);
  });

  it('wrap: no line over the width, continuation lines indented, long words kept whole', () => {
    const lines = wrap('one two three four five six seven', 14, '- ', '  ');
    expect(lines).toEqual(['- one two', '  three four', '  five six', '  seven']);
    expect(wrap('a-very-long-word b', 5, '')).toEqual(['a-very-long-word', 'b']);
  });

  it.each([
    [0, 100, '[....................]'],
    [1, 1_000_000, '[#...................]'],
    [50, 100, '[##########..........]'],
    [100, 100, '[####################]'],
  ])('usageBar(%d, %d)', (used, size, bar) => {
    expect(usageBar(used, size)).toBe(bar);
  });

  it('percent and painter', () => {
    expect(percent(1, 3)).toBe('33.3%');
    expect(painter(false)('red', 'x')).toBe('x');
    expect(painter(true)('red', 'x')).toBe('\u001b[31mx\u001b[0m');
  });
});

describe('inspect view', () => {
  it('shows a section cut by a window edge as partly kept', () => {
    const elf = buildElf({ entry: 0x0800_0041, segments: [{ paddr: 0x0800_0000, data: 0x100 }], sections: [{ name: '.text', segment: 0 }] });
    const lines = inspectLines('x.elf', inspectInput(elf, { windows: [parseRegion('FLASH=0x08000000:0xC0')], cortexM: false }));
    expect(lines).toContain('    0  .text    PROGBITS  A    0x100  0x08000000  keep 192, drop 64: no window');
    expect(lines.some((l) => l.includes('straddles-window-edge'))).toBe(true);
  });
});
