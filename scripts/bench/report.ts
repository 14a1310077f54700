import type { Summary } from './measure.js';

/** A flashcut row's ratios to a reference measured in the same run: wall times and peak RSS. */
export interface Ratio {
  readonly wall: number;
  readonly rss: number | undefined;
}

/** One tool's figures on one case and output. */
export interface Row {
  readonly case: string;
  readonly format: string;
  readonly tool: string;
  /** Bytes of firmware converted, for MB/s; undefined for the start-up rows. */
  readonly payload: number | undefined;
  readonly summary: Summary;
  /** flashcut rows: against objcopy (or `node -e 0` for start-up) and against the Node floor. */
  readonly versus?: { readonly reference?: Ratio & { readonly tool: string }; readonly floor?: Ratio };
}

/** A target from issue 15, checked on this run's figures. */
export interface Target {
  readonly name: string;
  readonly measured: string;
  readonly limit: string;
  readonly met: boolean;
}

const MiB = 1024 * 1024;

/** The rows as a Markdown table, ready to paste into the README (it reads well in a terminal too). */
export function table(rows: readonly Row[]): string {
  const header = ['case', 'format', 'tool', 'wall (median)', 'spread', 'peak RSS', 'MB/s', 'wall ratio', 'RSS ratio', 'vs Node floor'];
  const body = rows.map((r) => [
    r.case,
    r.format,
    r.tool,
    `${r.summary.wall.toFixed(3)} s`,
    `${r.summary.minWall.toFixed(3)}-${r.summary.maxWall.toFixed(3)}`,
    r.summary.rss === undefined ? 'n/a' : `${(r.summary.rss / MiB).toFixed(1)} MiB`,
    r.payload === undefined ? '' : (r.payload / r.summary.wall / 1e6).toFixed(1),
    r.versus?.reference ? `${r.versus.reference.wall.toFixed(2)}x ${r.versus.reference.tool}` : '',
    r.versus?.reference?.rss === undefined ? '' : `${r.versus.reference.rss.toFixed(2)}x`,
    r.versus?.floor ? `${r.versus.floor.wall.toFixed(2)}x` : '',
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
