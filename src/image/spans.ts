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
  const low = firstEndingAfter(sorted, range.start);
  const out: Span[] = [];
  for (let i = low; i < sorted.length && (sorted[i] as Span).start < range.end; i++) {
    const s = sorted[i] as Span;
    out.push({ start: Math.max(s.start, range.start), end: Math.min(s.end, range.end) });
  }
  return out;
}

/**
 * For each span of the list, the parts of it that no earlier span covers, sorted: every point
 * belongs to the first span that holds it. A sweep over the ends with a heap of the open spans
 * by list position: O(n log n), where asking each span about all earlier ones would be O(n^2).
 */
export function firstCovers(spans: readonly Span[]): Span[][] {
  const owned: { start: number; end: number }[][] = spans.map(() => []);
  const order = spans.flatMap((s, i) => (s.end > s.start ? [i] : [])).sort((a, b) => (spans[a] as Span).start - (spans[b] as Span).start);
  const points = [...new Set(order.flatMap((i) => [(spans[i] as Span).start, (spans[i] as Span).end]))].sort((a, b) => a - b);
  const open = new MinHeap();
  let next = 0;
  for (let p = 0; p + 1 < points.length; p++) {
    const at = points[p] as number;
    while (next < order.length && (spans[order[next] as number] as Span).start <= at) open.push(order[next++] as number);
    // Spans that ended are dropped when they come to the top; only the top decides.
    while (open.size > 0 && (spans[open.top] as Span).end <= at) open.pop();
    if (open.size === 0) continue;
    const list = owned[open.top] as { start: number; end: number }[];
    const last = list[list.length - 1];
    const to = points[p + 1] as number;
    if (last && last.end === at) last.end = to;
    else list.push({ start: at, end: to });
  }
  return owned;
}

/** A binary min-heap of numbers. */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The least item; only when size > 0. */
  get top(): number {
    return this.items[0] as number;
  }

  push(item: number): void {
    const items = this.items;
    let i = items.push(item) - 1;
    while (i > 0) {
      const parent = Math.floor((i - 1) / 2);
      if ((items[parent] as number) <= item) break;
      items[i] = items[parent] as number;
      i = parent;
    }
    items[i] = item;
  }

  pop(): void {
    const items = this.items;
    const last = items.pop() as number;
    if (items.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && (items[right] as number) < (items[left] as number) ? right : left;
      if ((items[child] as number) >= last) break;
      items[i] = items[child] as number;
      i = child;
    }
    items[i] = last;
  }
}

/** The index of the first of the sorted, disjoint spans that ends after `address` (sorted.length if none): a binary search. */
export function firstEndingAfter(sorted: readonly Span[], address: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if ((sorted[mid] as Span).end <= address) low = mid + 1;
    else high = mid;
  }
  return low;
}
