import { machineName, PT_LOAD, sectionFlagsText, sectionTypeName, segmentFlagsText, segmentTypeName } from '../read/elf/constants.js';
import type { MemoryImage } from '../image/memory-image.js';
import type { TransformRecord } from '../transform/transforms.js';
import { sectionPlacements, type Analysis } from '../pipeline/inspect.js';
import type { ErrorRecord } from './error-report.js';

/** One input of a run, as the reports show it. */
export interface ReportedInput {
  readonly path: string;
  readonly size: number;
  readonly analysis: Analysis;
}

/** What a run did, for the summary and `--json`: its inputs, the image written and the transforms. */
export interface RunReport {
  readonly inputs: readonly ReportedInput[];
  /** The bytes written: the inputs' kept bytes merged, then transformed. */
  readonly image: MemoryImage;
  readonly transforms: readonly TransformRecord[];
  /** Summary lines: where the settings came from, regions left out, sectors erased. */
  readonly notes: readonly string[];
}

/** Version of the `--json` document's shape (schema/report.schema.json); raised only on an incompatible change. */
export const REPORT_SCHEMA_VERSION = 1;

/** An output file as `--json` lists it. */
export interface OutputRecord {
  readonly path: string;
  /** Format name: `hex`, `bin`, ... */
  readonly format: string;
  readonly size: number;
  /** SHA-256 of the bytes written, lower-case hex; computed only for a `--json` report. */
  readonly sha256?: string;
  /** Address range [start, end) the file covers. */
  readonly start: number;
  readonly end: number;
}

/** How a run ended, as `--json` reports it. */
export type ReportStatus = 'ok' | 'strict-failure' | 'error';

/** Who wrote the document and for which command. */
export interface ReportHeader {
  readonly version: string;
  readonly command: 'convert' | 'inspect';
  readonly status: ReportStatus;
  readonly exitCode: number;
}

/**
 * The `--json` document of a run that got as far as an analysis: the input, windows and RAM
 * regions with their sources, every program header, the sections of the loadable segments with
 * their fate, kept and dropped ranges (with reason codes), findings (with stable codes) and the
 * files written. Addresses and sizes are numbers; ranges are half-open [start, end).
 */
export function reportDocument(header: ReportHeader, run: RunReport, outputs: readonly OutputRecord[]): object {
  const [input, ...more] = run.inputs;
  if (!input) throw new Error('a report needs an input');
  const { analysis } = input;
  const { elf } = analysis;
  // By program header index: one look-up per segment, not a search of all of them.
  const loadSegments = new Map((elf?.loadSegments ?? []).map((s) => [s.index, s] as const));
  // With several inputs, an ELF's ranges name their file, as in the summary.
  const ranges = <R extends { readonly origin: string }>(of: (a: Analysis) => readonly R[]): R[] =>
    run.inputs.flatMap((i) => of(i.analysis).map((r) => (more.length > 0 && i.analysis.elf ? { ...r, origin: `${i.path} ${r.origin}` } : r)));
  return {
    ...documentHeader(header),
    input: {
      path: input.path,
      size: input.size,
      format: analysis.input.format,
      startAddress: analysis.input.startAddress ?? null,
      ...(elf && {
        machine: machineName(elf.header.e_machine),
        eMachine: elf.header.e_machine,
        byteOrder: elf.littleEndian ? 'little' : 'big',
        entry: elf.header.e_entry,
      }),
    },
    windows: analysis.windows.map((w) => ({
      name: w.name,
      start: w.start,
      end: w.end,
      size: w.end - w.start,
      used: run.image.bytesIn(w.start, w.end),
      source: w.source,
    })),
    ramRegions: analysis.ram.map((r) => ({ name: r.name, start: r.start, end: r.end, source: r.source })),
    vectorTables: analysis.vectorTables.map((t) => ({ address: t.address, sp: t.sp, reset: t.reset, source: t.source })),
    segments: (elf?.programHeaders ?? []).map((p, index) => ({
      index,
      type: segmentTypeName(p.p_type),
      pType: p.p_type,
      offset: p.p_offset,
      vaddr: p.p_vaddr,
      paddr: p.p_paddr,
      filesz: p.p_filesz,
      memsz: p.p_memsz,
      flags: segmentFlagsText(p.p_flags).replace(/ /g, ''),
      pFlags: p.p_flags,
      sections: p.p_type === PT_LOAD ? (loadSegments.get(index)?.sections.map((s) => s.name) ?? []) : [],
    })),
    sections: sectionPlacements(analysis).map((p) => ({
      index: p.section.index,
      name: p.section.name,
      type: sectionTypeName(p.section.type),
      flags: sectionFlagsText(p.section.flags),
      address: p.section.vma,
      loadAddress: p.loadAddress,
      offset: p.section.fileOffset,
      size: p.section.size,
      segment: p.segment,
      window: p.window ?? null,
      fileBytes: p.fileBytes,
      keptBytes: p.keptBytes,
      dropped: p.dropped.map((d) => ({ reason: d.reason, bytes: d.bytes })),
    })),
    kept: ranges((a) => a.selection.kept).map((k) => ({ origin: k.origin, segment: k.segment ?? null, start: k.start, end: k.end, size: k.end - k.start, sections: k.sections })),
    dropped: ranges((a) => a.selection.dropped).map((d) => ({
      origin: d.origin,
      segment: d.segment ?? null,
      start: d.start,
      end: d.end,
      size: d.end - d.start,
      sections: d.sections,
      reason: d.reason,
    })),
    findings: run.inputs.flatMap((i) => i.analysis.findings.map((f) => ({ input: i.path, ...f }))),
    inputs: run.inputs.map((i) => ({ path: i.path, size: i.size, format: i.analysis.input.format, startAddress: i.analysis.input.startAddress ?? null })),
    transforms: run.transforms.map((t) => ({ ...t })),
    notes: run.notes,
    outputs: outputs.map((o) => ({ path: o.path, format: o.format, size: o.size, sha256: o.sha256, start: o.start, end: o.end })),
  };
}

/** The `--json` document of a run that failed before an analysis: what went wrong (kind, code, message) and where. */
export function errorDocument(header: ReportHeader, error: Omit<ErrorRecord, 'exitCode'>): object {
  const { kind, code, message, file, line, column, offset, related } = error;
  return { ...documentHeader(header), error: { kind, code, message, file, line, column, offset, related } };
}

function documentHeader(header: ReportHeader): object {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'flashcut', version: header.version },
    command: header.command,
    status: header.status,
    exitCode: header.exitCode,
  };
}
