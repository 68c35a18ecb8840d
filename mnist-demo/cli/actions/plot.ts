/** `penx plot RUN_DIR…`: redraw every figure and report from run.json files, without training. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawComparison, drawRun, readRunJson, RUN_JSON, SpecError } from '../../../src/node.ts';

/** Redraw each folder: a comparison (compare.json) with its runs, or one run (run.json). */
export async function plot(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    if (existsSync(join(dir, 'compare.json'))) {
      const names = (JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')) as { runs: string[] }).runs;
      const runs = names.map((n) => readRunJson(join(dir, n)));
      for (const [i, run] of runs.entries()) await drawRun(join(dir, names[i] as string), run, { all: true });
      await drawComparison(dir, runs, names);
      console.log(`redrew ${dir} (${runs.length} runs)`);
    } else if (existsSync(join(dir, RUN_JSON))) {
      await drawRun(dir, readRunJson(dir), { all: true });
      console.log(`redrew ${dir}`);
    } else {
      throw new SpecError(`${dir} has neither run.json nor compare.json; give a folder written by penx train or penx compare`);
    }
  }
}
