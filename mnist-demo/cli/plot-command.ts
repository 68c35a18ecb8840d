/** `penx plot RUN_DIR…`: redraw every figure and report from run.json files, without training. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { SpecError } from '../../src/index.ts';
import { drawComparison, drawRun } from '../draw.ts';
import type { RunRecord } from '../run-record.ts';
import { RUN_JSON } from '../train/trainer.ts';

function readRun(dir: string): RunRecord {
  const path = join(dir, RUN_JSON);
  let run: RunRecord;
  try {
    run = JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
  } catch (err) {
    throw new SpecError(`${path}: cannot be read as a run record (${(err as Error).message})`);
  }
  if (run.format !== 'penalty-explorer/run@1') throw new SpecError(`${path}: not a penalty-explorer run record (format ${JSON.stringify(run.format)})`);
  return run;
}

export function addPlotCommand(program: Command): void {
  program
    .command('plot')
    .description('redraw the figures and report of run folders (or comparison folders) from their run.json')
    .argument('<dir...>', 'run folders (with run.json) or comparison folders (with compare.json)')
    .action(async (dirs: string[]) => {
      for (const dir of dirs) {
        if (existsSync(join(dir, 'compare.json'))) {
          const names = (JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')) as { runs: string[] }).runs;
          const runs = names.map((n) => readRun(join(dir, n)));
          for (const [i, run] of runs.entries()) await drawRun(join(dir, names[i] as string), run, { all: true });
          await drawComparison(dir, runs, names);
          console.log(`redrew ${dir} (${runs.length} runs)`);
        } else if (existsSync(join(dir, RUN_JSON))) {
          await drawRun(dir, readRun(dir), { all: true });
          console.log(`redrew ${dir}`);
        } else {
          throw new SpecError(`${dir} has neither run.json nor compare.json; give a folder written by penx train or penx compare`);
        }
      }
    });
}
