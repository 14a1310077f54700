/**
 * Algebra on lists of half-open ranges [start, end). Inputs may be unsorted and overlapping;
 * outputs are sorted, disjoint, non-empty and merged where they touch.
 */

/** A contiguous run of addresses or file offsets [start, end). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Sorted, disjoint spans covering the same points; touching spans become one. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/** The points in both `a` and `b`. Linear in the total number of spans once sorted. */
export function intersectSpans(a: readonly Span[], b: readonly Span[]): Span[] {
  const x = mergeSpans(a);
  const y = mergeSpans(b);
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const p = x[i] as Span;
    const q = y[j] as Span;
    const start = Math.max(p.start, q.start);
    const end = Math.min(p.end, q.end);
    if (start < end) out.push({ start, end });
    if (p.end <= q.end) i++;
    else j++;
  }
  return out;
}

/** The points in `a` that are not in `b`. */
export function subtractSpans(a: readonly Span[], b: readonly Span[]): Span[] {
  const cuts = mergeSpans(b);
  const out: Span[] = [];
  let j = 0;
  for (const x of mergeSpans(a)) {
    let cursor = x.start;
    while (j < cuts.length && (cuts[j] as Span).end <= cursor) j++;
    for (let k = j; k < cuts.length; k++) {
      const y = cuts[k] as Span;
      if (y.start >= x.end) break;
      if (y.start > cursor) out.push({ start: cursor, end: y.start });
      cursor = Math.max(cursor, y.end);
    }
    if (cursor < x.end) out.push({ start: cursor, end: x.end });
  }
  return out;
}

/**
 * The parts of `sorted` (sorted, disjoint spans, as mergeSpans returns them) inside `range`.
 * Binary search: cheap for one range against many spans.
 */
export function clipSorted(sorted: readonly Span[], range: Span): Span[] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if ((sorted[mid] as Span).end <= range.start) low = mid + 1;
    else high = mid;
  }
  const out: Span[] = [];
  for (let i = low; i < sorted.length && (sorted[i] as Span).start < range.end; i++) {
    const s = sorted[i] as Span;
    out.push({ start: Math.max(s.start, range.start), end: Math.min(s.end, range.end) });
  }
  return out;
}
