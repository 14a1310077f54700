/**
 * flashcut's library API: an I/O-free core. Bytes of an ELF, Intel HEX, S-record or BIN in,
 * a sparse flash image and a report of what was kept and dropped, and output file bytes out.
 */
export { convert, planConversion, windowsForInput, splitByWindow, writePlan } from './pipeline/convert.js';
export type { ConversionPlan, ConvertOptions, FormatChoice } from './pipeline/convert.js';
export { windowsFrom, type SourcedWindows, type WindowSource } from './pipeline/window-source.js';
export { parseElf } from './read/elf/parse.js';
export { memorySource, type ByteSource } from './byte-source.js';
export { CORTEX_M_EXTERNAL_RAM_REGION, CORTEX_M_SRAM_REGION, findIssues, findVectorTables, ramRegionsFor, strictFailures } from './findings/index.js';
export type { Finding, FindingCode, FindingOptions, RamRegion, Severity, VectorTable, VectorTableSearch } from './findings/index.js';
export { analyse, inspectInput, sectionPlacements } from './pipeline/inspect.js';
export type { Analysis, InspectOptions, SectionPlacement } from './pipeline/inspect.js';
export type { Elf32Header, Elf32ProgramHeader, Elf32SectionHeader, ElfFile, LoadSegment, Section } from './read/elf/types.js';
export {
  FlashcutError,
  FormatError,
  IoError,
  LayoutError,
  LimitError,
  UnsupportedError,
  UsageError,
  type ErrorCode,
  type ErrorKind,
  type ErrorPlace,
} from './errors.js';
export { DEFAULT_MAX_GAP, rawBinary } from './write/bin.js';
export { collectBytes, type LineEnding, type OutputFormat, type SrecType, type WriteOptions } from './write/format.js';
export { dfuse } from './write/dfuse.js';
export { intelHex } from './write/hex.js';
export { formatByName, formatForPath, outputFormats } from './write/registry.js';
export { DEFAULT_SREC_HEADER, motorolaSrec } from './write/srec.js';
export { uf2 } from './write/uf2.js';
export { UF2_FAMILIES, uf2FamilyId } from './write/uf2-families.js';
export { INPUT_FORMAT_TITLES, type ElfInput, type FirmwareInput, type ImageInput, type InputFormatName } from './read/input.js';
export { detectInputFormat, parseInputSpec, readInput, type ReadInputOptions } from './read/read-input.js';
export { MemoryImage, type ImageChunk } from './image/memory-image.js';
export { selectFlashBytes, selectPieces, type DropReason, type DroppedRange, type SegmentRange, type Selection } from './select/select.js';
export type { Span } from './image/spans.js';
export { CORTEX_M_CODE_REGION, WHOLE_ADDRESS_SPACE, type FlashWindow } from './windows/window.js';
export { parseChecksumSpec, parseRegion } from './config/option-syntax.js';
export { parseLinkerScript, type IncludeReader, type LinkerScript, type LinkerScriptOptions, type LinkerScriptRegion } from './windows/ld-script.js';
export { flashWindowsOf, isWritableRegion, type LdWindows } from './windows/ld-windows.js';
export {
  assertWritable,
  dfuseWindows,
  parseDfuseLayout,
  touchedSectors,
  type DfuseLayout,
  type SectorRun,
  type SectorSpan,
} from './windows/dfuse-layout.js';
export { validateConfig, type ProjectConfig } from './config/project-config.js';
export { configSchema } from './config/config-schema.js';
export { checksumAlgorithms, checksumByName, crc32Stm32, sum32, type ChecksumAlgorithm } from './checksums/checksum.js';
export { crc32 } from './checksums/crc32.js';
export { findSymbol, type ElfSymbol } from './read/elf/symbols.js';
export { alignToWriteUnit, fillGapsInWindows, padWindows, type Filled } from './transform/fill.js';
export { insertChecksum, type ChecksumRequest, type ChecksumSpec, type InsertedChecksum } from './transform/insert-checksum.js';
export { mergeImages, OVERLAP_POLICIES, type OverlapPolicy } from './select/merge.js';
export { applyTransforms, type TransformOptions, type TransformRecord } from './transform/transforms.js';
