/**
 * `penx plot RUN_DIR… [--bins N] [--range lo,hi]`: redraw every figure and report from run.json
 * files, without training; with --bins/--range every histogram is re-binned from the record's fine
 * histograms.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawComparison, drawRun, readRunJson, RUN_JSON, SpecError, useQuietCpu, type DrawOptions } from '../../../src/node.ts';

export interface PlotFlags {
  readonly bins?: string;
  readonly range?: string;
}

/** The binning the flags ask for; a SpecError naming the flag when one is bad. */
export function binningOf(flags: PlotFlags): DrawOptions['binning'] {
  const bins = flags.bins === undefined ? undefined : Number(flags.bins);
  if (bins !== undefined && !(Number.isInteger(bins) && bins >= 1 && bins <= 2000)) throw new SpecError(`--bins must be a whole number from 1 to 2000, got ${JSON.stringify(flags.bins)}`);
  let range: [number, number] | undefined;
  if (flags.range !== undefined) {
    const parts = flags.range.split(',').map((p) => Number(p.trim()));
    if (parts.length !== 2 || !parts.every((p) => Number.isFinite(p)) || !((parts[0] as number) < (parts[1] as number))) {
      throw new SpecError(`--range must be lo,hi with lo < hi, e.g. -0.5,0.5; got ${JSON.stringify(flags.range)}`);
    }
    range = [parts[0] as number, parts[1] as number];
  }
  return bins === undefined && range === undefined ? undefined : { ...(bins === undefined ? {} : { bins }), ...(range ? { range } : {}) };
}

/** Redraw each folder: a comparison (compare.json) with its runs, or one run (run.json). */
export async function plot(dirs: readonly string[], flags: PlotFlags = {}): Promise<void> {
  const binning = binningOf(flags);
  // The penalty-shape figures evaluate penalties on tiny tensors: the quiet cpu backend.
  await useQuietCpu();
  const options = { all: true, ...(binning ? { binning } : {}) };
  for (const dir of dirs) {
    if (existsSync(join(dir, 'compare.json'))) {
      const names = (JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')) as { runs: string[] }).runs;
      const runs = names.map((n) => readRunJson(join(dir, n)));
      for (const [i, run] of runs.entries()) await drawRun(join(dir, names[i] as string), run, options);
      await drawComparison(dir, runs, names, binning ? { binning } : {});
      console.log(`redrew ${dir} (${runs.length} runs)`);
    } else if (existsSync(join(dir, RUN_JSON))) {
      await drawRun(dir, readRunJson(dir), options);
      console.log(`redrew ${dir}`);
    } else {
      throw new SpecError(`${dir} has neither run.json nor compare.json; give a folder written by penx train or penx compare`);
    }
  }
}
