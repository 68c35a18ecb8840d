/** `penx plot`, `penx bench` and the catalogue commands: their options and help (the work is in ../actions/). */
import type { Command } from 'commander';
import type { BenchFlags } from '../actions/bench.ts';
import { addBackendOptions } from '../backend-options.ts';

export function addToolCommands(program: Command, setExit: (code: number) => void): void {
  program
    .command('plot')
    .description('redraw the figures and report of run folders (or comparison folders) from their run.json')
    .argument('<dir...>', 'run folders (with run.json) or comparison folders (with compare.json)')
    .action(async (dirs: string[]) => (await import('../actions/plot.ts')).plot(dirs));

  addBackendOptions(
    program
      .command('bench')
      .description('time training the reference model on the selected backend (or every one with --all) against the stock cpu backend')
      .option('--all', 'time every backend that starts, one after another, and print them side by side')
      .option('--json', 'print one JSON object (with --all: an array, one object per backend) instead of a table')
      .option('--batch-size <n>', 'batch size on the selected backend', '128')
      .option('--steps <n>', 'timed steps on the selected backend (median taken)', '20')
      .option('--cpu-batch-size <n>', 'batch size on the cpu backend', '4')
      .option('--cpu-steps <n>', 'timed steps on the cpu backend', '1'),
  ).action(async (flags: BenchFlags) => (await import('../actions/bench.ts')).bench(flags));

  const catalogs = [
    ['penalties', 'list the penalties, or check specs and print their normalised form and formula', 'penalty specs to check, e.g. l1:1e-4 deadzone:1e-4,a=0.3 ./my-penalty.ts:1e-4'],
    ['constraints', 'list the constraints, or check specs and print their normalised form and formula', 'constraint specs to check, e.g. maxnorm:m=2 minmaxnorm:min=0,max=5,rate=0.1'],
    ['optimizers', 'list the optimisers, or check specs and print their normalised form and update', 'optimiser specs to check, e.g. adamw:lr=1e-3,wd=1e-4'],
  ] as const;
  for (const [name, description, argument] of catalogs) {
    program
      .command(name)
      .description(description)
      .argument('[spec...]', argument)
      .action(async (specs: string[]) => setExit(await (await import('../actions/catalogs.ts'))[name](specs)));
  }
}
