/**
 * The text syntax of option values that are more than a number: `[NAME=]ORIGIN:LENGTH` for a
 * flash window and `ALG@WHERE[:RANGE]` for a checksum, as the command line, the project
 * configuration and the browser page write them. The core takes the structured values
 * (FlashWindow, ChecksumSpec); errors name the library option (`options.windows`), which each
 * front end shows in its own words.
 */

import { aboutOption, UsageError } from '../errors.js';
import { ADDRESS_SPACE_END, hex32, parseAddress, parseNumber, refuseLeadingZero } from '../numbers.js';
import { checksumByName } from '../checksums/checksum.js';
import type { Span } from '../image/spans.js';
import type { ChecksumSpec } from '../transform/insert-checksum.js';
import type { FlashWindow } from '../windows/window.js';

const WINDOWS = 'options.windows';
const REGION_PATTERN = /^(?:([A-Za-z_.][\w.$-]*)=)?([^:=]+):([^:=]+)$/;

/**
 * Parses a window, `[NAME=]ORIGIN:LENGTH`, e.g. `FLASH=0x08000000:0xFF00` or `0x08000000:512K`;
 * `source` says where it came from, for the report. Throws UsageError (about `options.windows`)
 * when the text is malformed, the length is zero, or the window would run past the 32-bit
 * address space.
 */
export function parseRegion(text: string, source = '--region'): FlashWindow {
  const what = `${WINDOWS} '${text}'`;
  const match = REGION_PATTERN.exec(text.trim());
  if (!match) {
    throw new UsageError(`${what}: expected [NAME=]ORIGIN:LENGTH, e.g. FLASH=0x08000000:512K`, { option: 'windows' });
  }
  const start = aboutOption('windows', () => {
    refuseLeadingZero(match[2] ?? '', text.trim(), `${WINDOWS} ${text}`);
    refuseLeadingZero(match[3] ?? '', text.trim(), `${WINDOWS} ${text}`);
    return parseAddress(match[2] ?? '', `${what} origin`);
  });
  const length = aboutOption('windows', () => parseNumber(match[3] ?? '', `${what} length`));
  if (length === 0) throw new UsageError(`${what}: the length is zero`, { option: 'windows' });
  if (start + length > ADDRESS_SPACE_END) {
    throw new UsageError(`${what}: ${hex32(start)} + ${length} bytes runs past the 32-bit address space`, { option: 'windows' });
  }
  return { name: match[1] ?? hex32(start), start, end: start + length, source };
}

const SPEC_PATTERN = /^([\w-]+?)(-be)?@([^:]+)(?::(.+))?$/i;
const RANGE_PATTERN = /^([^-+]+)([-+])(.+)$/;

/**
 * Parses `crc32@0x0800FFFC`, `crc32-stm32@__app_crc:0x08000000-0x0800FFFC` or
 * `sum32@0x08003FFC:0x08000000+16K`: the algorithm (a `-be` suffix stores the result
 * big-endian), where the result goes (an address or an ELF symbol), and optionally the range as
 * START-END (END exclusive) or START+LENGTH. Throws UsageError naming what is wrong.
 */
export function parseChecksumSpec(text: string): ChecksumSpec {
  return aboutOption('checksums', () => {
    const what = `options.checksums '${text}'`;
    const match = SPEC_PATTERN.exec(text.trim());
    if (!match) throw new UsageError(`${what}: expected ALGORITHM@WHERE[:START-END], e.g. crc32@0x0800FFFC`);
    const algorithm = checksumByName(match[1] ?? '');
    const whereText = match[3] ?? '';
    const where = /^(0x[0-9a-f]+|[0-9]+[km]?)$/i.test(whereText) ? parseAddress(whereText, `${what} place`) : whereText;
    return { algorithm, where, range: match[4] === undefined ? undefined : parseRange(match[4], what), bigEndian: match[2] !== undefined };
  });
}

function parseRange(rangeText: string, what: string): Span {
  const match = RANGE_PATTERN.exec(rangeText);
  if (!match) throw new UsageError(`${what}: the range must be START-END or START+LENGTH`);
  const start = parseAddress(match[1] ?? '', `${what} range start`);
  const second = parseNumber(match[3] ?? '', `${what} range end`);
  const end = match[2] === '+' ? start + second : second;
  if (end <= start || end > ADDRESS_SPACE_END) throw new UsageError(`${what}: the range is empty or runs past the 32-bit address space`);
  return { start, end };
}
