import v8 from 'node:v8';

/**
 * How much V8 may grow the old generation past what a full collection left live: 1.5 times, not
 * the up-to-4 times it picks when collections are cheap. A run's live heap is small and flat (about
 * 25 MB through a million-event dry-run: the memory is bounded, events pass through), but it
 * allocates fast, and with V8's own factor the heap grew to 140 MB of mostly garbage. Measured by
 * `npm run bench` (peak RSS a quarter to a third lower) and an A/B of the dry-run (wall +9 %, user
 * CPU +15 %); see the README.
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * V8 reads this flag at every full collection, so it takes effect when set after start-up. A user
 * who gave their own (`node --heap-growing-percent=… bin/hubspot-actions`) keeps it.
 */
export function tuneHeap(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
