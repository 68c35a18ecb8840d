/**
 * `penx train`, `penx compare` and `penx start`: their options and help (the work is in ../actions/, loaded when run),
 * and the flags each checks before the library loads (../flag-values.ts).
 */
import type { Command } from 'commander';
import { REFERENCE_PENALTIES } from '../../experiment/reference.ts';
import type { CompareFlags } from '../actions/compare.ts';
import type { StartFlags } from '../actions/start.ts';
import type { TrainFlags } from '../actions/train.ts';
import { addBackendOptions } from '../backend-options.ts';
import { addExperimentOptions } from '../experiment-options.ts';
import { checkCompareFlags, checkTrainFlags, threadsFlag } from '../flag-values.ts';

/** Define `penx train`, `penx compare` and `penx start` on `program`. */
export function addTrainingCommands(program: Command): void {
  addExperimentOptions(
    program
      .command('train')
      .description('train a model (default: the reference CNN on MNIST) with one penalty; after every epoch, a histogram of all weights')
      .requiredOption('--penalty <spec>', 'the penalty on every kernel, e.g. l1:1e-4 or ./my-penalty.ts:1e-4 (see penx penalties)')
      .option('--json', 'at the end, print one JSON object: the run folder, its final scores and the files written (progress on stderr)'),
    {
      name: 'the run folder name (default from the penalty, e.g. l1_1e-4)',
      resume: 'continue an interrupted run from its last finished epoch',
      force: 'replace an existing run folder',
    },
  )
    .hook('preAction', (_, command) => checkTrainFlags(command.opts<TrainFlags>()))
    .action(async (flags: TrainFlags) => (await import('../actions/train.ts')).train(flags));

  addExperimentOptions(
    program
      .command('compare')
      .description('train a model once per penalty and compare the weight histograms side by side')
      .option(
        '--penalties <list>',
        'comma-separated penalty specs, built in or a module of yours, e.g. none,l1:1e-4,./my-penalty.ts:1e-4 (see penx penalties)',
        REFERENCE_PENALTIES,
      )
      .option('--optimizers <list>', "semicolon-separated optimiser specs; every penalty is trained under each, e.g. 'adam:lr=1e-3;adamw:lr=1e-3,wd=1e-4'")
      .option('--json', 'at the end, print one JSON object: the comparison folder, each run with its final scores, the files written (progress on stderr)'),
    {
      name: 'the comparison folder name (default: compare; its runs are named from their penalties)',
      resume: 'continue an interrupted comparison: finished runs kept, the others resumed from their last finished epoch',
      force: 'replace an existing comparison folder',
    },
  )
    .hook('preAction', (_, command) => checkCompareFlags(command.opts<CompareFlags>()))
    .action(async (flags: CompareFlags) => (await import('../actions/compare.ts')).compare(flags));

  addBackendOptions(
    program
      .command('start')
      .description(
        `the main job: compare ${REFERENCE_PENALTIES.split(',')
          .map((spec) => spec.split(':')[0])
          .join(', ')} on the bundled MNIST (a few minutes)`,
      )
      .option('--json', 'at the end, print one JSON object, as penx compare --json does (progress on stderr)'),
  )
    .hook('preAction', (_, command) => void threadsFlag(command.opts<StartFlags>().threads))
    .action(async (flags: StartFlags) => (await import('../actions/start.ts')).start(flags));
}
