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
