/**
 * An Intel HEX decoder for tests, written from the format's description and independent of
 * flashcut's writer: it reads all six record types and returns every byte at its absolute
 * address, plus the records themselves so that tests can check the writer's policy.
 */

export interface HexRecord {
  readonly line: number;
  readonly type: number;
  readonly offset: number;
  readonly data: readonly number[];
  /** Absolute address of the first data byte (data records only). */
  readonly address: number;
}

export interface DecodedHex {
  readonly bytes: Map<number, number>;
  readonly records: readonly HexRecord[];
  readonly startLinear: number | undefined;
  readonly startSegment: number | undefined;
  readonly lineEnding: 'crlf' | 'lf';
}

export function decodeIntelHex(text: string): DecodedHex {
  const bytes = new Map<number, number>();
  const records: HexRecord[] = [];
  let upper = 0;
  let segment = 0;
  let startLinear: number | undefined;
  let startSegment: number | undefined;
  const lines = text.split('\n');
  const lineEnding = text.includes('\r\n') ? 'crlf' : 'lf';
  let ended = false;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '') return;
    if (ended) throw new Error(`line ${i + 1}: record after the end-of-file record`);
    if (!/^:([0-9A-F]{2})+$/.test(line)) throw new Error(`line ${i + 1}: not an upper-case hex record: ${line}`);
    const values = line
      .slice(1)
      .match(/../g)!
      .map((h) => parseInt(h, 16));
    const [count, hi, lo, type] = values as [number, number, number, number];
    if (values.length !== count + 5) throw new Error(`line ${i + 1}: length ${count} does not match the record`);
    const sum = values.reduce((a, b) => a + b, 0);
    if (sum % 256 !== 0) throw new Error(`line ${i + 1}: bad checksum`);
    const data = values.slice(4, 4 + count);
    const offset = hi * 256 + lo;
    const address = upper * 0x10000 + segment * 16 + offset;
    records.push({ line: i + 1, type, offset, data, address });
    switch (type) {
      case 0:
        data.forEach((b, k) => {
          const at = address + k;
          if (bytes.has(at)) throw new Error(`line ${i + 1}: address ${at.toString(16)} written twice`);
          bytes.set(at, b);
        });
        break;
      case 1:
        ended = true;
        break;
      case 2:
        segment = (data[0] as number) * 256 + (data[1] as number);
        upper = 0;
        break;
      case 3:
        startSegment = ((data[0] as number) * 256 + (data[1] as number)) * 16 + (data[2] as number) * 256 + (data[3] as number);
        break;
      case 4:
        upper = (data[0] as number) * 256 + (data[1] as number);
        segment = 0;
        break;
      case 5:
        startLinear = (((data[0] as number) * 256 + (data[1] as number)) * 256 + (data[2] as number)) * 256 + (data[3] as number);
        break;
      default:
        throw new Error(`line ${i + 1}: unknown record type ${type}`);
    }
  });
  if (!ended) throw new Error('no end-of-file record');
  return { bytes, records, startLinear, startSegment, lineEnding };
}

/** Every byte of a BIN file at its address, given the file's base address. */
export function binToMap(bin: Uint8Array, base: number): Map<number, number> {
  const map = new Map<number, number>();
  bin.forEach((b, i) => map.set(base + i, b));
  return map;
}

/** Compact description of a map's contiguous ranges, for readable test failures. */
export function describeRanges(map: Map<number, number>): string {
  const addresses = [...map.keys()].sort((a, b) => a - b);
  const ranges: string[] = [];
  let start = addresses[0];
  let prev = start;
  for (const a of addresses.slice(1).concat([Number.NaN])) {
    if (a !== (prev as number) + 1) {
      ranges.push(`${(start as number).toString(16)}-${(prev as number).toString(16)}`);
      start = a;
    }
    prev = a;
  }
  return ranges.join(',');
}
