/**
 * `penx sweep` and `penx worker` (and the internal `penx sweep-run`): their options and help (the work is in ../actions/),
 * and the flags each checks before the library loads (../flag-values.ts).
 */
import type { Command } from 'commander';
import { RUNS_FOLDER } from '../../experiment/reference.ts';
import type { WorkerFlags } from '../actions/worker.ts';
import { addExperimentOptions } from '../experiment-options.ts';
import { checkSweepFlags, type SweepFlags, workerValues } from '../flag-values.ts';

const QUEUE = 'a BullMQ queue in Redis, e.g. redis://HOST:6379';

/** Define `penx sweep`, `penx worker` and `penx sweep-run` on `program`; `setExit` takes a command's exit code. */
export function addSweepCommands(program: Command, setExit: (code: number) => void): void {
  addExperimentOptions(
    program
      .command('sweep')
      .description(
        'train a grid of penalties × strengths × seeds, one run folder each (finished runs skipped, unfinished resumed), and draw scores against strength; here, or on a queue for penx worker processes',
      )
      .option(
        '--penalties <list>',
        'penalties without strengths, comma-separated, e.g. l1,l2,deadzone,a=0.3 or a module of yours, ./my-penalty.ts (none: the baseline, once per seed)',
        'l1,l2,deadzone',
      )
      .option('--strengths <list>', 'strengths λ > 0, comma-separated', '1e-5,1e-4,1e-3')
      .option('--seeds <list>', 'seeds, comma-separated (default: --seed)')
      .option('--jobs <n>', 'runs trained at once on this machine, the threads (--threads) split between them (default: 2, one thread each on 2 cores)')
      .option('--queue <url>', `put the runs on ${QUEUE}, for penx worker processes to train, and follow them`)
      .option('--detach', 'with --queue: put the runs on the queue and return')
      .option('--status', 'with --queue: how many runs of the sweep are done, running, waiting and failed, and each run')
      .option(
        '--json',
        "one JSON object: with --status, the queue's runs; on this machine, at the end, the sweep folder and each run with its state, final scores and files (progress on stderr)",
      )
      .option('--remove', 'with --queue: take the sweep (its waiting, finished and failed runs, and its name) off the queue'),
    {
      name: "the sweep folder name and the sweep's name on a queue (default: sweep); with --status or --remove, the sweep to look at",
      resume: 'changes nothing, accepted for symmetry with train and compare: a sweep always skips finished runs and resumes the others',
      force: 'start the sweep folder over: what penx wrote in it deleted (not with --queue)',
    },
  )
    .hook('preAction', (_, command) => checkSweepFlags(command.opts<SweepFlags>()))
    .action(async (flags: SweepFlags) => setExit(await (await import('../actions/sweep.ts')).sweep(flags)));

  program
    .command('worker')
    .description(
      'train runs of sweeps put on a queue (penx sweep --queue) into the shared folder --out, until stopped; a run whose worker dies goes to another',
    )
    .requiredOption('--queue <url>', QUEUE)
    .option('--out <dir>', 'the shared folder the sweeps are in (as penx sweep --out)', RUNS_FOLDER)
    .option('--concurrency <n>', 'runs trained at once here, the threads split between them', '1')
    .option('--threads <n>', 'threads in all (default: one per core)')
    .option('--json', 'once stopped (Ctrl-C, SIGTERM), print one JSON object: each run it took and how it ended (its log on stderr)')
    .hook('preAction', (_, command) => void workerValues(command.opts<WorkerFlags>()))
    .action(async (flags: WorkerFlags) => (await import('../actions/worker.ts')).worker(flags));

  program
    .command('sweep-run', { hidden: true })
    .description('(internal) train one run of a sweep for penx sweep or penx worker')
    .argument('<task>', 'the run, as JSON')
    .action(async (task: string) => (await import('../actions/sweep-run.ts')).sweepRun(task));
}
