/**
 * The options `penx train` and `penx compare` share, and turning them into checked settings:
 * every value is validated before any data is read or any training starts.
 */
import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { Option } from 'commander';
import { gradTransforms, loadConstraint, loadGradModules, lrMultipliers, optimizerSpec, SpecError, tf, weightNames } from '../../src/index.ts';
import { buildReferenceModel, logitsOf } from '../model.ts';
import type { TrainSettings } from '../train/trainer.ts';
import { addBackendOptions, type BackendFlags } from './backend-options.ts';
import { wholeNumber } from './numbers.ts';

export interface TrainingFlags extends BackendFlags {
  readonly constraint?: string;
  readonly epochs: string;
  readonly batchSize: string;
  readonly seed: string;
  readonly trainSize?: string;
  readonly testSize?: string;
  readonly data?: string;
  readonly out: string;
  readonly name?: string;
  readonly resume?: boolean;
  readonly force?: boolean;
  readonly penalizeBias?: boolean;
  readonly optimizer: string;
  readonly lrMult?: string;
  readonly grad?: string;
  readonly trackNorms: 'epoch' | 'batch';
}

/** The reference experiment's optimiser. */
export const REFERENCE_OPTIMIZER = 'adadelta:lr=1,rho=0.95';

/** The shared run settings (see TrainSettings) and where the data and run folders are. */
export interface TrainingSettings extends TrainSettings {
  readonly trainSize?: number;
  readonly testSize?: number;
  readonly dataDir?: string;
  readonly out: string;
}

export function addTrainingOptions(cmd: Command): Command {
  return addBackendOptions(
    cmd
      .option('--constraint <spec>', 'constraint on every kernel, e.g. maxnorm:m=2 (see penx constraints)')
      .option('--epochs <n>', 'epochs to train', '40')
      .option('--batch-size <n>', 'batch size', '128')
      .option('--seed <n>', 'seed of the initial weights, the batch order and the subsets', '42')
      .option('--train-size <n>', 'train on a seeded subset of n images (default: all 60 000)')
      .option('--test-size <n>', 'evaluate on a seeded subset of n images (default: all 10 000)')
      .option('--data <dir>', 'folder with the four MNIST-format IDX files, .gz or not (default: the bundled MNIST)')
      .option('--out <dir>', 'folder the run folders go in', 'figures/runs')
      .option('--name <name>', 'the run (or comparison) folder name; default from the penalty')
      .option('--resume', 'continue an interrupted run from its last finished epoch')
      .option('--force', 'replace an existing run folder')
      .option('--penalize-bias', 'put the penalty on biases too')
      .option('--optimizer <spec>', 'sgd, momentum, adam, adadelta, rmsprop or adamw with parameters, e.g. adamw:lr=1e-3,wd=1e-4 (see penx optimizers)', REFERENCE_OPTIMIZER)
      .option('--lr-mult <list>', "per-layer learning-rate multipliers, globs over layer or weight names, e.g. 'conv2d_1=0.1,dense*=2'")
      .option('--grad <list>', "per-layer gradient transforms, in order, e.g. 'conv*:clipnorm=1;dense_2:zero' (clipvalue, clipnorm, clipl1, scale, zero, or a module such as ./my-transform.ts)")
      .addOption(new Option('--track-norms <when>', 'record per-channel kernel norms every epoch or every batch').choices(['epoch', 'batch']).default('epoch')),
  );
}

export async function parseTrainingFlags(flags: TrainingFlags): Promise<TrainingSettings> {
  if (flags.resume && flags.force) throw new SpecError('--resume and --force contradict each other; give one');
  if (flags.name !== undefined && !/^[\w.,:=+-]+$/.test(flags.name)) throw new SpecError(`--name '${flags.name}' must be a plain folder name (letters, digits, . _ - , : = +)`);
  const constraint = flags.constraint === undefined ? undefined : await loadConstraint(flags.constraint);
  const optimizer = optimizerSpec(flags.optimizer).spec;
  if (flags.lrMult !== undefined || flags.grad !== undefined) {
    // Patterns must match weights of the reference model: checked before any data is read.
    const model = buildReferenceModel();
    const names = weightNames(logitsOf(model));
    model.dispose();
    if (flags.lrMult !== undefined) lrMultipliers(flags.lrMult, names);
    if (flags.grad !== undefined) {
      await loadGradModules(flags.grad);
      gradTransforms(flags.grad, names);
    }
  }
  const trainSize = wholeNumber(flags.trainSize, '--train-size', 1);
  const testSize = wholeNumber(flags.testSize, '--test-size', 1);
  return {
    ...(constraint ? { constraint } : {}),
    epochs: wholeNumber(flags.epochs, '--epochs', 1),
    batchSize: wholeNumber(flags.batchSize, '--batch-size', 1),
    seed: wholeNumber(flags.seed, '--seed', 0),
    ...(trainSize === undefined ? {} : { trainSize }),
    ...(testSize === undefined ? {} : { testSize }),
    ...(flags.data === undefined ? {} : { dataDir: flags.data }),
    out: flags.out,
    resume: flags.resume === true,
    force: flags.force === true,
    penalizeBias: flags.penalizeBias === true,
    optimizer,
    ...(flags.lrMult === undefined ? {} : { lrMult: flags.lrMult }),
    ...(flags.grad === undefined ? {} : { grad: flags.grad }),
    trackNorms: flags.trackNorms,
  };
}

/** A folder name for a penalty spec: `deadzone:1e-4,a=0.25` → `deadzone_1e-4_a=0.25`. */
export function runNameFor(spec: string): string {
  return spec.replace(/[:,]/g, '_');
}

export function versions(): Record<string, string> {
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  return { 'penalty-explorer': pkg.version, '@tensorflow/tfjs': tf.version.tfjs, node: process.version };
}
