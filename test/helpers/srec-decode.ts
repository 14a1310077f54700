/**
 * A Motorola S-record decoder for tests, written from the format's description and
 * independent of flashcut's reader and writer: every data byte at its address, plus the
 * records themselves so that tests can check the writer's policy line by line.
 */

export interface SrecRecord {
  readonly line: number;
  /** 0..9 */
  readonly type: number;
  readonly address: number;
  readonly data: readonly number[];
}

export interface DecodedSrec {
  readonly bytes: Map<number, number>;
  readonly records: readonly SrecRecord[];
  readonly lineEnding: 'crlf' | 'lf';
}

const ADDRESS_SIZE = [2, 2, 3, 4, 0, 2, 3, 4, 3, 2];

export function decodeSrec(text: string): DecodedSrec {
  const bytes = new Map<number, number>();
  const records: SrecRecord[] = [];
  const lineEnding = text.includes('\r\n') ? 'crlf' : 'lf';
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '') return;
    const match = /^S([0-9])((?:[0-9A-F]{2})+)$/.exec(line);
    if (!match) throw new Error(`line ${i + 1}: not an upper-case S-record: ${line}`);
    const type = Number(match[1]);
    const values = match[2]!.match(/../g)!.map((h) => parseInt(h, 16));
    const count = values[0]!;
    if (values.length !== count + 1) throw new Error(`line ${i + 1}: count ${count} does not match`);
    const sum = values.slice(0, -1).reduce((a, b) => a + b, 0);
    if (values[values.length - 1] !== 0xff - (sum & 0xff)) throw new Error(`line ${i + 1}: bad checksum`);
    const size = ADDRESS_SIZE[type]!;
    if (size === 0) throw new Error(`line ${i + 1}: S4`);
    const address = values.slice(1, 1 + size).reduce((a, b) => a * 256 + b, 0);
    const data = values.slice(1 + size, -1);
    records.push({ line: i + 1, type, address, data });
    if (type >= 1 && type <= 3) {
      data.forEach((b, k) => {
        if (bytes.has(address + k)) throw new Error(`line ${i + 1}: address written twice`);
        bytes.set(address + k, b);
      });
    }
  });
  return { bytes, records, lineEnding };
}
