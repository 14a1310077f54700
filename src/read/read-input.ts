import { asSource, type ByteSource } from '../byte-source.js';
import { parseElf } from './elf/parse.js';
import { FormatError, inFile, UsageError } from '../errors.js';
import { ADDRESS_SPACE_END, count, hex32, parseAddress, refuseLeadingZero } from '../numbers.js';
import { readIntelHex } from './hex.js';
import type { FirmwareInput, InputFormatName } from './input.js';
import { readSrec } from './srec.js';

export interface ReadInputOptions {
  /** File name for messages and origins (default `input`). */
  readonly name?: string | undefined;
  /** The format; default: from the content (ELF magic, ':' or 'S' first), or `bin` when `base` is given. */
  readonly format?: InputFormatName | undefined;
  /** BIN: the address of the file's first byte. */
  readonly base?: number | undefined;
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

/**
 * The format of an input from its first bytes: ELF (7f 45 4c 46), Intel HEX (':'),
 * S-record ('S' and a digit); undefined for anything else (a raw binary cannot be told).
 */
export function detectInputFormat(bytes: Uint8Array): InputFormatName | undefined {
  if (ELF_MAGIC.every((b, i) => bytes[i] === b)) return 'elf';
  if (bytes[0] === 0x3a) return 'hex';
  if (bytes[0] === 0x53 && bytes[1] !== undefined && bytes[1] >= 0x30 && bytes[1] <= 0x39) return 'srec';
  return undefined;
}

/**
 * Reads one input file: bytes in memory, or a ByteSource that reads the file as needed (an ELF
 * is read header, tables and kept ranges only; the other formats are read whole). Throws FormatError for bad content (with the line for
 * HEX and S-record), UsageError for a BIN without a base address or a base that does not
 * fit, and the ELF reader's errors; every error carries `options.name` as its file.
 */
export function readInput(input: Uint8Array | ByteSource, options: ReadInputOptions = {}): FirmwareInput {
  return inFile(options.name, () => readAnyFormat(asSource(input), options.name ?? 'input', options));
}

/** Enough of the start of a file to tell its format behind a byte-order mark. */
const HEAD = 8;

function readAnyFormat(source: ByteSource, name: string, options: ReadInputOptions): FirmwareInput {
  if (options.base !== undefined && options.format !== undefined && options.format !== 'bin') {
    throw new UsageError(`a load address (@${hex32(options.base)}) is only for raw binary input, not ${options.format}`);
  }
  const format = options.format ?? (options.base !== undefined ? 'bin' : detectInputFormat(withoutBom(source.read(0, Math.min(HEAD, source.size)))));
  switch (format) {
    case 'elf': {
      const elf = parseElf(source);
      const entry = elf.header.e_entry;
      return { format, name, elf, startAddress: entry !== 0 ? entry : undefined };
    }
    case 'hex':
      return readIntelHex(textOf(source), name);
    case 'srec':
      return readSrec(textOf(source), name);
    case 'bin':
      return readBinary(source.read(0, source.size), name, options.base);
    case undefined:
      throw new FormatError(
        "cannot tell the input format: not ELF (7f 45 4c 46), Intel HEX (':') or S-record ('S0'); " +
          'for a raw binary give its load address, e.g. app.bin@0x08000000',
        0,
      );
  }
}

function readBinary(bytes: Uint8Array, name: string, base: number | undefined): FirmwareInput {
  if (base === undefined) throw new UsageError(`a raw binary input needs its load address: ${name}@0x08000000`);
  if (base + bytes.length > ADDRESS_SPACE_END) {
    throw new UsageError(`${count(bytes.length)} bytes from ${hex32(base)} run past the 32-bit address space`);
  }
  return { format: 'bin', name, pieces: bytes.length > 0 ? [{ address: base, bytes, origin: name }] : [], startAddress: undefined };
}

const ADDRESS_SUFFIX = /^(.+)@((?:0[xX][0-9a-fA-F]+|[0-9]+)[kKmM]?)$/;

/**
 * Splits an input argument `app.bin@0x08004000` into path and load address; an argument
 * without an `@ADDRESS` ending is all path. Throws UsageError for an address beyond 32 bits.
 */
export function parseInputSpec(text: string): { path: string; base: number | undefined } {
  const match = ADDRESS_SUFFIX.exec(text);
  if (!match) return { path: text, base: undefined };
  refuseLeadingZero(match[2] ?? '', text, `input ${text}`);
  return { path: match[1] ?? text, base: parseAddress(match[2] ?? '', `input '${text}' load address`) };
}

/** Text files from Windows editors may start with a UTF-8 byte-order mark, which no record contains. */
function withoutBom(bytes: Uint8Array): Uint8Array {
  return hasBom(bytes) ? bytes.subarray(3) : bytes;
}

function hasBom(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** A text input's records: the source, behind its byte-order mark if it has one (offsets count from after it, as they always have). */
function textOf(source: ByteSource): ByteSource {
  if (!hasBom(source.read(0, Math.min(3, source.size)))) return source;
  return { size: source.size - 3, read: (offset, length) => source.read(offset + 3, length) };
}
