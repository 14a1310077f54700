import type { Summary } from './measure.js';

/** One tool's figures on one case and format. */
export interface Row {
  readonly case: string;
  readonly format: string;
  readonly tool: string;
  /** Bytes of firmware converted, for MB/s; undefined for the start-up rows. */
  readonly payload: number | undefined;
  readonly summary: Summary;
  /** The tool this row is compared against, with flashcut/reference ratios. */
  readonly versus?: { readonly tool: string; readonly wall: number; readonly rss: number | undefined };
}

/** A target from issue 6, checked on this run's figures. */
export interface Target {
  readonly name: string;
  readonly measured: string;
  readonly limit: string;
  readonly met: boolean;
}

const MiB = 1024 * 1024;

/** The rows as a Markdown table (it reads well in a terminal too). */
export function table(rows: readonly Row[]): string {
  const header = ['case', 'format', 'tool', 'wall (median)', 'peak RSS', 'MB/s', 'wall ratio', 'RSS ratio'];
  const body = rows.map((r) => [
    r.case,
    r.format,
    r.tool,
    `${r.summary.wall.toFixed(3)} s`,
    r.summary.rss === undefined ? 'n/a' : `${(r.summary.rss / MiB).toFixed(1)} MiB`,
    r.payload === undefined ? '' : (r.payload / r.summary.wall / 1e6).toFixed(1),
    r.versus ? `${r.versus.wall.toFixed(2)}x ${r.versus.tool}` : '',
    r.versus?.rss === undefined ? '' : `${r.versus.rss.toFixed(2)}x`,
  ]);
  return markdown(header, body);
}

export function targetTable(targets: readonly Target[]): string {
  return markdown(
    ['target', 'measured', 'limit', 'met'],
    targets.map((t) => [t.name, t.measured, t.limit, t.met ? 'yes' : 'NO']),
  );
}

function markdown(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
