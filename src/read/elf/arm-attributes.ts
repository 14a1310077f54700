import { FormatError } from '../../errors.js';
import { ByteReader } from './byte-reader.js';
import { EM_ARM } from './constants.js';
import type { ElfFile } from './types.js';

const SHT_ARM_ATTRIBUTES = 0x7000_0003;
const TAG_FILE = 1;
const TAG_CPU_ARCH = 6;
const TAG_CPU_ARCH_PROFILE = 7;
/** Tag_CPU_arch values of the M profile: v6-M, v6S-M, v7E-M, v8-M baseline, v8-M mainline, v8.1-M mainline. */
const M_PROFILE_ARCHITECTURES = new Set([11, 12, 13, 16, 17, 21]);

/**
 * Whether an ELF is built for a Cortex-M (ARMv6-M, v7-M, v8-M), from its `.ARM.attributes`
 * (Tag_CPU_arch_profile, else Tag_CPU_arch, as the ARM ELF ABI's build attributes define them).
 * An ARM ELF without readable attributes counts as Cortex-M, the usual case for flash images;
 * any other machine does not.
 */
export function isCortexM(elf: ElfFile): boolean {
  if (elf.header.e_machine !== EM_ARM) return false;
  const attributes = cpuAttributes(elf);
  if (!attributes) return true;
  if (attributes.profile !== undefined && attributes.profile !== 0) return attributes.profile === 'M'.charCodeAt(0);
  return attributes.arch === undefined || M_PROFILE_ARCHITECTURES.has(attributes.arch);
}

/** Tag_CPU_arch and Tag_CPU_arch_profile of the `aeabi` file attributes; undefined when absent or unreadable. */
function cpuAttributes(elf: ElfFile): { arch: number | undefined; profile: number | undefined } | undefined {
  const header = elf.sectionHeaders.find((sh) => sh.sh_type === SHT_ARM_ATTRIBUTES);
  if (!header) return undefined;
  try {
    const reader = new ByteReader(elf.source, elf.littleEndian);
    reader.check(header.sh_offset, header.sh_size, '.ARM.attributes');
    return readFileAttributes(reader, header.sh_offset, header.sh_offset + header.sh_size);
  } catch (error) {
    // Attributes only refine the checks: unreadable ones are treated as absent.
    if (error instanceof FormatError) return undefined;
    throw error;
  }
}

function readFileAttributes(r: ByteReader, start: number, end: number): { arch: number | undefined; profile: number | undefined } | undefined {
  if (r.u8(start, 'format-version') !== 0x41) return undefined; // 'A'
  for (let at = start + 1; at + 4 <= end; ) {
    const length = r.u32(at, 'vendor subsection length');
    if (length < 5 || at + length > end) return undefined;
    const vendorEnd = nulAfter(r, at + 4, at + length);
    if (vendor(r, at + 4, vendorEnd) === 'aeabi') {
      for (let sub = vendorEnd + 1; sub + 5 <= at + length; ) {
        const [tag, next] = uleb(r, sub, at + length);
        const size = r.u32(next, 'attribute subsection size');
        if (size < 5 || sub + size > at + length) return undefined;
        if (tag === TAG_FILE) return cpuTags(r, next + 4, sub + size);
        sub += size;
      }
    }
    at += length;
  }
  return undefined;
}

/** Walks the attributes (tag, then a ULEB128 or a NUL-terminated string) for the two CPU tags. */
function cpuTags(r: ByteReader, start: number, end: number): { arch: number | undefined; profile: number | undefined } {
  let arch: number | undefined;
  for (let at = start; at < end; ) {
    const [tag, afterTag] = uleb(r, at, end);
    if (isStringTag(tag)) {
      // Tag_compatibility (32) holds a flag before its string.
      const from = tag === 32 ? uleb(r, afterTag, end)[1] : afterTag;
      at = nulAfter(r, from, end) + 1;
      continue;
    }
    const [value, next] = uleb(r, afterTag, end);
    if (tag === TAG_CPU_ARCH) arch = value;
    if (tag === TAG_CPU_ARCH_PROFILE) return { arch, profile: value };
    at = next;
  }
  return { arch, profile: undefined };
}

/** Tags 4, 5 (CPU names), 32, 65, 67 hold strings; other tags from 32 up hold one when odd. */
function isStringTag(tag: number): boolean {
  return tag === 4 || tag === 5 || tag === 32 || tag === 65 || tag === 67 || (tag > 32 && tag % 2 === 1);
}

function uleb(r: ByteReader, at: number, end: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < end && i < at + 5; i++) {
    const byte = r.u8(i, 'attribute');
    value += (byte % 0x80) * scale;
    scale *= 0x80;
    if (byte < 0x80) return [value, i + 1];
  }
  throw new FormatError('.ARM.attributes: a number runs past its subsection');
}

function nulAfter(r: ByteReader, at: number, end: number): number {
  for (let i = at; i < end; i++) if (r.u8(i, 'attribute string') === 0) return i;
  throw new FormatError('.ARM.attributes: a string runs past its subsection');
}

function vendor(r: ByteReader, at: number, end: number): string {
  let name = '';
  for (let i = at; i < end; i++) name += String.fromCharCode(r.u8(i, 'vendor name'));
  return name;
}
