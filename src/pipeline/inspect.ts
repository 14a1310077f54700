import type { ElfFile, Section } from '../read/elf/types.js';
import { isCortexM } from '../read/elf/arm-attributes.js';
import { findImageIssues, findIssues, findVectorTables, ramRegionsFor, regionAt, type Finding, type FindingOptions, type RamRegion, type VectorTable } from '../findings/index.js';
import type { DropReason, Selection } from '../select/select.js';
import { intersectSpans, mergeSpans, type Span } from '../image/spans.js';
import { chunkSize } from '../image/memory-image.js';
import { sectionLoadRange, segmentLoadRange } from '../read/elf/model.js';
import type { FlashWindow } from '../windows/window.js';
import { readInput } from '../read/read-input.js';
import type { FirmwareInput } from '../read/input.js';
import { windowsForInput, selectInput } from './convert.js';
import { windowsFrom, type WindowSource } from './window-source.js';
import { checkWriteUnit } from '../transform/fill.js';

/** What flashcut knows about an input against its windows: the facts `inspect`, the report and `--json` show. */
export interface Analysis {
  readonly input: FirmwareInput;
  /** The ELF, for an ELF input; HEX, S-record and BIN inputs have no segments or sections. */
  readonly elf: ElfFile | undefined;
  readonly windows: readonly FlashWindow[];
  /** RAM regions the checks used (empty: none known). */
  readonly ram: readonly RamRegion[];
  readonly selection: Selection;
  /** The Cortex-M vector tables the checks read, and how each was found (empty: none found, or not a Cortex-M). */
  readonly vectorTables: readonly VectorTable[];
  readonly findings: readonly Finding[];
}

export interface InspectOptions extends FindingOptions {
  /**
   * Where the flash windows come from, as for a conversion (default: the Cortex-M code region
   * for an ARM ELF); a linker script's writable regions are the RAM regions unless `ramRegions` are given.
   */
  readonly windows?: readonly FlashWindow[] | WindowSource | undefined;
}

/**
 * Reads an input (bytes are detected as for a conversion) and works out, without producing
 * output, what a conversion would keep and drop and what is worth telling. Unlike a conversion
 * it accepts an input with nothing to keep. Throws the input readers' errors, UsageError for
 * missing windows or a write unit that is not a power of two, LayoutError for conflicting segments.
 */
export function inspectInput(input: Uint8Array | FirmwareInput, options: InspectOptions = {}): Analysis {
  const firmware = input instanceof Uint8Array ? readInput(input) : input;
  if (options.writeUnit !== undefined) checkWriteUnit(options.writeUnit);
  const source = windowsFrom(options.windows);
  return analyse(firmware, selectInput(firmware, windowsForInput(firmware, source.windows)), { ...options, ramRegions: options.ramRegions ?? source.ram });
}

/** The analysis of a selection already made (by a conversion plan, say). */
export function analyse(input: FirmwareInput, selection: Selection, options: FindingOptions = {}): Analysis {
  const common = { input, windows: selection.windows, selection };
  if (input.format !== 'elf') {
    return { ...common, elf: undefined, ram: options.ramRegions ?? [], vectorTables: [], findings: findImageIssues(selection, options) };
  }
  const vectorTables = (options.cortexM ?? isCortexM(input.elf)) ? findVectorTables(input.elf, selection.image).tables : [];
  return { ...common, elf: input.elf, ram: ramRegionsFor(input.elf, options.ramRegions), vectorTables, findings: findIssues(input.elf, selection, options) };
}

/** Where an allocated section of a loadable segment lands, and what a conversion does with its bytes. */
export interface SectionPlacement {
  readonly segment: number;
  readonly section: Section;
  /** Load address of its first byte. */
  readonly loadAddress: number;
  /** The window holding the load address, if one does. */
  readonly window: string | undefined;
  /** Bytes of the section the conversion keeps. */
  readonly keptBytes: number;
  /** Bytes of the section the conversion drops, by reason. */
  readonly dropped: readonly { readonly reason: DropReason; readonly bytes: number }[];
  /** Bytes of the section in the segment's file image (0 for NOBITS after the file bytes: zeroed at start-up). */
  readonly fileBytes: number;
}

/** Every allocated section of every loadable segment, in program header order, with its fate. */
export function sectionPlacements(analysis: Analysis): SectionPlacement[] {
  const { elf, selection, windows } = analysis;
  if (!elf) return [];
  return elf.loadSegments.flatMap((segment) =>
    segment.sections.map((section) => {
      const range = sectionLoadRange(segment, section);
      const mine = intersectSpans([range], [segmentLoadRange(segment)]);
      const bytesOf = (ranges: readonly { segment?: number | undefined; start: number; end: number }[]) =>
        intersectSpans(
          mine,
          ranges.filter((r) => r.segment === segment.index),
        ).reduce((sum, s) => sum + (s.end - s.start), 0);
      const reasons: DropReason[] = ['outside-windows', 'elf-headers', 'padding'];
      return {
        segment: segment.index,
        section,
        loadAddress: range.start,
        window: regionAt(windows, range.start)?.name,
        keptBytes: bytesOf(selection.kept),
        dropped: reasons
          .map((reason) => ({ reason, bytes: bytesOf(selection.dropped.filter((d) => d.reason === reason)) }))
          .filter((d) => d.bytes > 0),
        fileBytes: mine.reduce((sum, s) => sum + (s.end - s.start), 0),
      };
    }),
  );
}

/**
 * The address ranges [start, end) an image input (HEX, S-record, BIN) fills, merged where they
 * touch, as srec_info lists them; empty for an ELF.
 */
export function inputRanges(input: FirmwareInput): Span[] {
  return input.format === 'elf' ? [] : mergeSpans(input.pieces.map((p) => ({ start: p.address, end: p.address + chunkSize(p) })));
}
