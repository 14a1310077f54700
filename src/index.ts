/**
 * flashcut's library API: an I/O-free core. Bytes of an ELF in, a sparse flash image and a
 * report of what was kept and dropped, and output file bytes out.
 */
export { convert, planConversion, resolveWindows, splitByWindow, writePlan } from './convert.js';
export type { ConversionPlan, ConvertOptions } from './convert.js';
export { parseElf } from './elf/parse.js';
export { CORTEX_M_SRAM_REGION, findIssues, ramRegionsFor } from './findings/index.js';
export type { Finding, FindingCode, FindingOptions, MemoryRegion, Severity } from './findings/index.js';
export { analyse, inspectElf, sectionPlacements } from './inspect.js';
export type { Analysis, InspectOptions, SectionPlacement } from './inspect.js';
export type { Elf32Header, Elf32ProgramHeader, Elf32SectionHeader, ElfFile, LoadSegment, Section } from './elf/types.js';
export {
  FlashcutError,
  FormatError,
  IoError,
  LayoutError,
  OutputLimitError,
  UnsupportedError,
  UsageError,
  type ErrorCode,
} from './errors.js';
export { DEFAULT_MAX_GAP, rawBinary } from './formats/bin.js';
export { collectBytes, type LineEnding, type OutputFormat, type WriteOptions } from './formats/format.js';
export { intelHex } from './formats/hex.js';
export { formatByName, formatForPath, outputFormats } from './formats/registry.js';
export { MemoryImage, type ImageChunk } from './image/memory-image.js';
export { selectFlashBytes, type DropReason, type DroppedRange, type SegmentRange, type Selection } from './image/select.js';
export type { Span } from './image/spans.js';
export { CORTEX_M_CODE_REGION, parseRegion, type FlashWindow } from './image/windows.js';
