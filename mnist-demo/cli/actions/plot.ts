/**
 * `penx plot DIR… [--bins N] [--range lo,hi]`: redraw every figure and report from run.json
 * files, without training; with --bins/--range every histogram is re-binned from the record's fine
 * histograms.
 *
 *   every record read and checked first (a malformed one: exit 2 naming the file; nothing drawn)
 *   ─► each folder a run or a comparison of this tool's (its marker), locked while it is drawn
 *      (a run being trained is refused) ─► figures and report redrawn (reading never imports code)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMPARE_JSON,
  type DrawOptions,
  drawComparison,
  drawRun,
  IOError,
  lockOwnFolder,
  parseRange,
  RUN_JSON,
  type RunRecord,
  readCompareJson,
  readRunJson,
  UsageError,
  useQuietCpu,
} from 'penalty-explorer/node';
import { wholeNumber } from '../numbers.ts';

export interface PlotFlags {
  readonly bins?: string;
  readonly range?: string;
}

/** The binning the flags ask for; a SpecError naming the flag when one is bad. */
export function binningOf(flags: PlotFlags): DrawOptions['binning'] {
  const bins = wholeNumber(flags.bins, '--bins', 1, 2000);
  let range: [number, number] | undefined;
  if (flags.range !== undefined) {
    range = parseRange(flags.range);
    if (!range) throw new UsageError(`--range must be lo,hi with lo < hi, e.g. -0.5,0.5; got ${JSON.stringify(flags.range)}`);
  }
  return bins === undefined && range === undefined ? undefined : { ...(bins === undefined ? {} : { bins }), ...(range ? { range } : {}) };
}

/** A folder to redraw, its records read and checked. */
type Target =
  | { readonly kind: 'run'; readonly dir: string; readonly record: RunRecord }
  | { readonly kind: 'comparison'; readonly dir: string; readonly names: readonly string[]; readonly runs: readonly RunRecord[] };

function readTarget(dir: string): Target {
  if (existsSync(join(dir, COMPARE_JSON))) {
    const names = readCompareJson(dir).runs;
    return { kind: 'comparison', dir, names, runs: names.map((n) => readRunJson(join(dir, n))) };
  }
  if (existsSync(join(dir, RUN_JSON))) return { kind: 'run', dir, record: readRunJson(dir) };
  throw new IOError(`${dir} has neither run.json nor compare.json; give a folder written by penx train or penx compare`);
}

/** Redraw each folder: a comparison (compare.json) with its runs, or one run (run.json). */
export async function plot(dirs: readonly string[], flags: PlotFlags = {}): Promise<void> {
  const binning = binningOf(flags);
  const targets = dirs.map(readTarget);
  // The penalty-shape figures of old records sample built-in penalties on tiny tensors: the quiet cpu backend.
  await useQuietCpu();
  const options = { all: true, ...(binning ? { binning } : {}) };
  for (const t of targets) {
    const releases: Array<() => void> = [];
    try {
      releases.push(lockOwnFolder(t.dir, t.kind));
      if (t.kind === 'comparison') {
        for (const n of t.names) releases.push(lockOwnFolder(join(t.dir, n), 'run'));
        for (const [i, run] of t.runs.entries()) await drawRun(join(t.dir, t.names[i] as string), run, options);
        await drawComparison(t.dir, t.runs, binning ? { binning } : {});
        console.log(`redrew ${t.dir} (${t.runs.length} runs)`);
      } else {
        await drawRun(t.dir, t.record, options);
        console.log(`redrew ${t.dir}`);
      }
    } finally {
      for (const release of releases.reverse()) release();
    }
  }
}
