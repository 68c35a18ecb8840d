/**
 * `penx plot`, `penx adopt`, `penx serve`, `penx playground`, `penx bench` and the catalogue commands: their options and help (the work
 * is in ../actions/), and the flags each checks before the library loads (../flag-values.ts).
 */
import { type Command, Option } from 'commander';
import { REFERENCE_OPTIMIZER, RUNS_FOLDER } from '../../experiment/reference.ts';
import type { AdoptFlags } from '../actions/adopt.ts';
import type { BenchFlags } from '../actions/bench.ts';
import type { PlaygroundFlags } from '../actions/playground.ts';
import type { PlotFlags } from '../actions/plot.ts';
import type { PruneFlags } from '../actions/prune.ts';
import type { ServeFlags } from '../actions/serve.ts';
import type { SummaryFlags } from '../actions/summary.ts';
import { addBackendOptions } from '../backend-options.ts';
import { benchValues, checkPlotFlags, checkServeFlags, listenValues, pruneValues, summaryValues } from '../flag-values.ts';

/**
 * The commands that load the library (and guard user code: `guard`) only when they need it, not
 * before their action as main.ts does for the others: `penx penalties|constraints|optimizers [SPEC…]`
 * list the catalogue and describe a built-in without TF.js (actions/catalog-specs.ts).
 */
export const GUARDS_ITSELF: ReadonlySet<string> = new Set(['penalties', 'constraints', 'optimizers']);

/** Define the tool commands on `program`; `setExit` takes a command's exit code, `guard` loads the library and guards user code (GUARDS_ITSELF). */
export function addToolCommands(program: Command, setExit: (code: number) => void, guard: () => Promise<void>): void {
  program
    .command('plot')
    .description(
      "redraw the figures and report of run folders (or comparison folders) from their run.json, or draw a run record file (the playground's run.json) into a new run folder; an epoch no run has is refused (exit 2) before anything is drawn",
    )
    .argument(
      '<dir...>',
      'run folders (with run.json) or comparison folders (with compare.json, or not finished: their runs so far); or one run record file (e.g. run.json from the playground)',
    )
    .option('--bins <n>', 'bins of every weight histogram, re-binned from the recorded fine histograms (default 100)')
    .option('--range <lo,hi>', 'weight range of every histogram, e.g. -0.5,0.5, within -2,2 (the recorded fine histograms) (default -1,1)')
    .option('--out <dir>', "with a run record file: the new run folder to draw it into (default: the file's name without .json, next to it)")
    .option(
      '--epochs <list>',
      "a comparison's histograms.png: one row per epoch, e.g. 0,1,2,5,10,20,30,40 (0: before training; default up to four spread over all epochs)",
    )
    .option(
      '--overlay-epochs <list>',
      'a comparison: the runs overlaid at these epochs too, e.g. 1,10,40: overlay-epoch-EEE.png (linear), overlay-log-epoch-EEE.png (log density) and log-abs-epoch-EEE.png (log10|w|) each (overlay.png etc. show the last epoch)',
    )
    .option(
      '--prune-epochs <list>',
      "a comparison's prune-curve.png: the curves measured after these epochs side by side, e.g. 10,20,40, or all (default each run's latest)",
    )
    .option('--json', 'at the end, print one JSON object: each folder drawn, its runs with their final scores, and its files (progress on stderr)')
    .hook('preAction', (_, command) => checkPlotFlags(command.processedArgs[0] as string[], command.opts<PlotFlags>()))
    .action(async (dirs: string[], flags: PlotFlags) => (await import('../actions/plot.ts')).plot(dirs, flags));

  program
    .command('adopt')
    .description(
      "record as penx's the files of folders an older penx wrote (listed by name only in their manifests, so --force, --resume and plot refuse to delete or write over them): use it when they are still as that penx left them",
    )
    .argument('<dir...>', 'run, comparison or sweep folders an older penx wrote (their runs are adopted with them)')
    .option('--json', 'print what was adopted as one JSON object')
    .action(async (dirs: string[], flags: AdoptFlags) => (await import('../actions/adopt.ts')).adopt(dirs, flags));

  program
    .command('summary')
    .description(
      'the numbers of run, comparison or sweep folders from their run.json: per run and epoch, test accuracy and its difference to the run without a penalty, weights near and at 0 (|w| < 1e-3, 1e-2, 0.02; w = 0), the spike at 0, the median |w|, the prune level within --max-drop; the spread over seeds; of a folder holding run folders (given alone), a line per run: its state (finished, training, stopped, not started, unreadable), epochs done/planned and those numbers after its last epoch',
    )
    .argument(
      '<dir...>',
      'run folders (with run.json), comparison folders (with compare.json, or not finished: their runs so far), sweep folders (their runs with a record so far), or one folder holding run folders (e.g. the --out of several penx train runs)',
    )
    .option(
      '--epochs <list>',
      'epochs to show, e.g. 1,10,40 (0: before training), or all (default 0, 1, every 10th and the last); an epoch no run has is refused (exit 2)',
    )
    .option('--max-drop <points>', 'the accuracy loss allowed for the prune level, in percentage points', '0.5')
    .option('--json', "print one JSON object instead of tables (a folder of runs: an array of each run's object, with its state and planned epochs)")
    .option('--markdown', 'print the tables as GitHub Markdown (for a README or an issue)')
    .hook('preAction', (_, command) => void summaryValues(command.processedArgs[0] as string[], command.opts<SummaryFlags>()))
    .action(async (dirs: string[], flags: SummaryFlags) => (await import('../actions/summary.ts')).summary(dirs, flags));

  program
    .command('serve')
    .description('a live dashboard over a folder of runs and comparisons: overlay any runs, every view, updated while they train')
    .argument(
      '[dir]',
      "the folder of runs (run folders and comparison folders under it); one not there yet is waited for (start the dashboard before penx train --out DIR: it says 'waiting for a run in DIR' and shows the run once penx writes it; only folders with penx's marker are then read)",
      RUNS_FOLDER,
    )
    .option('--port <n>', 'the port (default 6060, or a free one when that is taken)')
    .option('--host <address>', 'the address to listen on (default 127.0.0.1, this machine only)')
    .option('--json', 'print the address as one JSON object { url, dir }')
    .hook('preAction', (_, command) => checkServeFlags(command.processedArgs[0] as string, command.opts<ServeFlags>()))
    .action(async (dir: string, flags: ServeFlags) => (await import('../actions/serve.ts')).serve(dir, flags));

  program
    .command('playground')
    .description(
      'the playground in your browser: train on MNIST with any penalty (or one you type), watch the weights move; served on this machine, nothing opened',
    )
    .option('--port <n>', 'the port (default 6070, or a free one when that is taken)')
    .option('--host <address>', 'the address to listen on (default 127.0.0.1, this machine only)')
    .option('--json', 'print the address as one JSON object { url, dir }')
    .hook('preAction', (_, command) => void listenValues(command.opts<PlaygroundFlags>()))
    .action(async (flags: PlaygroundFlags) => (await import('../actions/playground.ts')).playground(flags));

  program
    .command('prune')
    .description(
      "write a run's trained model pruned at the largest level of its prune curve whose test accuracy is within --max-drop points: a TF.js model (zeros in place) and a sparse export",
    )
    .argument('<run-dir>', 'a run folder (with run.json and checkpoint/) whose run measured the prune curve after its last epoch')
    .option('--max-drop <points>', 'the largest loss of test accuracy allowed, in percentage points', '0.5')
    .addOption(new Option('--scope <scope>', 'the k % smallest of all kernels together, or of each layer').choices(['global', 'layer']).default('global'))
    .option('--out <dir>', 'where to write model/, weights.sparse.bin, weights.sparse.json and prune.json (default RUN_DIR/pruned)')
    .option('--json', 'print what was written as one JSON object')
    .hook('preAction', (_, command) => void pruneValues(command.processedArgs[0] as string, command.opts<PruneFlags>()))
    .action(async (dir: string, flags: PruneFlags) => (await import('../actions/prune.ts')).prune(dir, flags));

  addBackendOptions(
    program
      .command('bench')
      .description('time training the reference model on the selected backend (or every one with --all) against the stock cpu backend')
      // --backend beside it would be ignored: refused by commander (a default --backend is not 'given').
      .addOption(new Option('--all', 'time every backend that starts, one after another, and print them side by side').conflicts('backend'))
      .option('--json', 'print one JSON object (with --all: an array, one object per backend) instead of a table')
      .option('--batch-size <n>', 'batch size on the selected backend', '128')
      .option('--steps <n>', 'timed steps on the selected backend (the step: their median; the epoch: from their mean)', '20')
      .option('--cpu-batch-size <n>', 'batch size on the cpu backend', '4')
      .option('--cpu-steps <n>', "timed steps on the stock cpu backend, the speed-up's reference (0: leave it out)", '1')
      .option(
        '--optimizer <spec>',
        `the optimiser to time, as penx train takes it, e.g. adam:lr=1e-3 (default: the reference's, ${REFERENCE_OPTIMIZER}; PyTorch's column only for it)`,
      )
      .option('--eval-images <n>', "test images the epoch's evaluation is timed on, projected to all 10 000 (default: all of them)"),
  )
    .hook('preAction', (_, command) => void benchValues(command.opts<BenchFlags>()))
    .action(async (flags: BenchFlags) => (await import('../actions/bench.ts')).bench(flags));

  const catalogs = [
    [
      'penalties',
      'list the penalties, or check specs (a module of yours too: ./my-penalty.ts:1e-4) and print their normalised form and formula',
      'penalty specs to check, e.g. l1:1e-4 deadzone:1e-4,a=0.3 ./my-penalty.ts:1e-4',
    ],
    [
      'constraints',
      'list the constraints, or check specs and print their normalised form and formula',
      'constraint specs to check, e.g. maxnorm:m=2 minmaxnorm:min=0,max=5,rate=0.1',
    ],
    ['optimizers', 'list the optimisers, or check specs and print their normalised form and update', 'optimiser specs to check, e.g. adamw:lr=1e-3,wd=1e-4'],
  ] as const;
  for (const [name, description, argument] of catalogs) {
    program
      .command(name)
      .description(description)
      .argument('[spec...]', argument)
      .option('--json', 'print JSON (the catalogue, or one object per spec) instead of text')
      // The catalogue and a built-in's spec are described without the library (catalog-specs.ts).
      .action(async (specs: string[], flags: { json?: boolean }) => setExit(await (await import('../actions/catalog-specs.ts'))[name](specs, flags, guard)));
  }
}
