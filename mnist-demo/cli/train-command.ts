/** `penx train`: train the reference model with one penalty; per-epoch figures and a report. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { isModuleRef, loadPenalty, parseSpec } from '../../src/index.ts';
import { loadMnist } from '../data/mnist.ts';
import { startBackend } from './backend-options.ts';
import { runTraining } from './run-training.ts';
import { addTrainingOptions, parseTrainingFlags, runNameFor, type TrainingFlags } from './training-options.ts';

interface TrainFlags extends TrainingFlags {
  readonly penalty: string;
}

export function addTrainCommand(program: Command): void {
  addTrainingOptions(
    program
      .command('train')
      .description('train the reference CNN on MNIST with one penalty; after every epoch, a histogram of all weights')
      .requiredOption('--penalty <spec>', 'the penalty on every kernel, e.g. l1:1e-4 or ./my-penalty.ts:1e-4 (see penx penalties)'),
  ).action(async (flags: TrainFlags) => {
    // Everything the user gave is checked before data is read or training starts.
    const penalty = await loadPenalty(flags.penalty);
    const module = isModuleRef(parseSpec(flags.penalty).name) ? parseSpec(flags.penalty).name : undefined;
    const settings = await parseTrainingFlags(flags);
    const data = loadMnist({ ...(settings.dataDir ? { dir: settings.dataDir } : {}), ...(settings.trainSize ? { trainSize: settings.trainSize } : {}), ...(settings.testSize ? { testSize: settings.testSize } : {}), seed: settings.seed });
    const backend = await startBackend(flags);
    const name = flags.name ?? runNameFor(penalty.spec);
    const dir = join(settings.out, name);
    console.error(`training ${penalty.spec} on ${data.train.count} images (${data.source}), testing on ${data.test.count}, ${settings.epochs} epochs → ${dir}`);
    const run = await runTraining({ penalty, ...(module ? { penaltyModule: module } : {}), name, dir, label: `[${penalty.spec}]` }, settings, data, backend);
    const last = run.epochs.at(-1);
    console.log(`done: ${run.epochs.length} epochs, test accuracy ${last ? last.testAcc.toFixed(4) : 'n/a'}; report: ${join(dir, 'report.html')}`);
  });
}
