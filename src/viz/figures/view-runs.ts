/**
 * How a dashboard address or a view request names its runs (browser-safe: the page writes what the
 * server reads): one `run=ID` for each run, the id as it is — any name a run folder may have, a comma
 * too (`?run=cmp%2Fnone&run=l1%2Cstrong`); and `runs=a,b`, ids without commas joined by commas, as
 * the page wrote them before (older links).
 *
 * @example
 * runIdsOf(new URLSearchParams('run=l1%2Cstrong&runs=a,b'))   // ['l1,strong', 'a', 'b']
 */

/** The run ids a query asks for, in its order: each `run=` value whole, each `runs=` value split at its commas; empty ones skipped. */
export function runIdsOf(q: URLSearchParams): string[] {
  const ids: string[] = [];
  for (const [key, value] of q) {
    if (key === 'run') ids.push(value);
    else if (key === 'runs') ids.push(...value.split(','));
  }
  return ids.filter((id) => id !== '');
}

/**
 * Adds `ids` to `q`, one `run=ID` each, which `runIdsOf` reads back exactly.
 *
 * @example
 * askRuns(q, ['l1,strong', 'none']); q.toString()   // 'run=l1%2Cstrong&run=none'
 */
export function askRuns(q: URLSearchParams, ids: readonly string[]): void {
  for (const id of ids) q.append('run', id);
}

/**
 * Why `missing` may be no run: when a `runs=` value of `q` (the older form) named it by splitting at its commas,
 * how to ask for runs whose names hold a comma (one `run=ID` each, whole: `askRuns`); else ''.
 *
 * @example
 * splitRunsHint(new URLSearchParams('runs=l1,strong'), 'l1')
 * // '; runs=l1,strong is split at its commas, and a run's name may hold one: ask for each run whole, one run=ID each (run=l1%2Cstrong is the run "l1,strong")'
 */
export function splitRunsHint(q: URLSearchParams, missing: string): string {
  const value = q.getAll('runs').find((v) => v.includes(',') && v.split(',').includes(missing));
  if (value === undefined) return '';
  return `; runs=${value} is split at its commas, and a run's name may hold one: ask for each run whole, one run=ID each (run=${encodeURIComponent(value)} is the run ${JSON.stringify(value)})`;
}
