/**
 * The options `penx train`, `penx compare` and `penx sweep` share (parsed by actions/parse-experiment.ts; those that
 * need no library are checked first, by flag-values.ts).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { OPTIMIZER_SIGNATURES, TRANSFORM_SIGNATURES } from 'penalty-explorer/spec';
import { REFERENCE_OPTIMIZER, RUNS_FOLDER } from '../experiment/reference.ts';
import { addBackendOptions, type BackendFlags } from './backend-options.ts';

/** Options as commander gives them (text). */
export interface ExperimentFlags extends BackendFlags {
  readonly model?: string;
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
  readonly portable?: boolean;
  readonly optimizer: string;
  readonly lrMult?: string;
  readonly grad?: string;
  /** `--monitor`: the modules of the user's monitors, comma-separated (a repeated flag's values joined). */
  readonly monitor?: string;
  readonly trackNorms: 'epoch' | 'batch';
  /** `--serve [port]`: the live dashboard over --out while training (true: the default port). */
  readonly serve?: boolean | string;
  readonly host?: string;
  readonly pruneEpochs: string;
  /** `--no-figures` gives false: no run (or comparison) figures nor report.html while training. */
  readonly figures?: boolean;
}

/** The help of the options whose meaning differs between the commands. */
export interface ExperimentHelp {
  /** `--name`: what it names and its default. */
  readonly name: string;
  /** `--resume`. */
  readonly resume: string;
  /** `--force`. */
  readonly force: string;
}

/** The names of the library's built-ins of a kind, from their signatures (no list of names kept here), e.g. `sgd, momentum, adam, …`. */
const builtIns = (signatures: object): string => Object.keys(signatures).join(', ');

/** A repeated flag's values as one comma-separated list, as one flag gives it: `--monitor a.ts --monitor b.ts` is `--monitor a.ts,b.ts`. */
const joinedList = (value: string, previous: string | undefined): string => (previous === undefined ? value : `${previous},${value}`);

/** `cmd` with the options every training command shares (and the backend's), `help` giving the text of those that differ. */
export function addExperimentOptions(cmd: Command, help: ExperimentHelp): Command {
  return addBackendOptions(
    cmd
      .option(
        '--model <module|dir>',
        'the model: a module whose default export is (inputShape, numClasses, { seed }) => tf.LayersModel (or a Promise of one), or a folder with a TF.js model.json (default: the reference CNN)',
      )
      .option('--constraint <spec>', 'constraint on every kernel, e.g. maxnorm:m=2 (see penx constraints)')
      .option('--epochs <n>', 'epochs to train', '40')
      .option('--batch-size <n>', 'batch size', '128')
      .option('--seed <n>', 'seed of the initial weights, the batch order and the subsets', '42')
      .option('--train-size <n>', 'train on a seeded subset of n images (default: all)')
      .option('--test-size <n>', 'evaluate on a seeded subset of n images (default: all)')
      .option('--data <dir>', 'folder with the four MNIST-format IDX files, .gz or not: any image size, channels and classes (default: the bundled MNIST)')
      .option('--out <dir>', 'folder the run folders go in', RUNS_FOLDER)
      .option('--name <name>', help.name)
      .option('--resume', help.resume)
      .option('--force', help.force)
      .option('--penalize-bias', 'put the penalty on biases too')
      .option(
        '--portable',
        "save the checkpoint's model so plain TF.js loads it too (L1, L2, L1L2 as TF.js's L1L2; other penalties and constraints listed in model.json for loadModel)",
      )
      .option(
        '--optimizer <spec>',
        `the optimiser with its parameters: ${builtIns(OPTIMIZER_SIGNATURES)}, e.g. adamw:lr=1e-3,wd=1e-4 or momentum:lr=0.01,m=0.9,nesterov=1 (see penx optimizers)`,
        REFERENCE_OPTIMIZER,
      )
      .option('--lr-mult <list>', "per-layer learning-rate multipliers, globs over layer or weight names, e.g. 'conv2d_1=0.1,dense*=2'")
      .option(
        '--grad <list>',
        `per-layer gradient transforms, in order, e.g. 'conv*:clipnorm=1;dense_2:zero' (${builtIns(TRANSFORM_SIGNATURES)}, or a module such as ./my-transform.ts)`,
      )
      .option(
        '--monitor <module>',
        'your own measurement after every epoch (and epoch 0): a module whose default export is a monitor { name, onEpochEnd(epoch, { model, validationData }), … }; its values go in run.json (monitors.NAME of each epoch), its view (if it has one) is drawn as monitor-NAME.png and in the report; repeat the flag, or give a comma-separated list',
        joinedList,
      )
      .option('--serve [port]', 'start the live dashboard over the --out folder (as penx serve) and keep it open after training, until Ctrl-C')
      .option('--host <address>', 'with --serve: the address to listen on (default 127.0.0.1, this machine only)')
      .addOption(new Option('--track-norms <when>', 'record per-channel kernel norms every epoch or every batch').choices(['epoch', 'batch']).default('epoch'))
      .option(
        '--prune-epochs <when>',
        'after which epochs to measure the prune curve (test accuracy with the k % smallest kernel weights set to 0, and the sparse size): last, all, none, or a list such as 10,20,40',
        'last',
      )
      .option(
        '--no-figures',
        'record only: no figures nor report.html of the runs (or of a comparison) while training; run.json, the checkpoint and the live dashboard as always (penx plot draws them later from run.json)',
      ),
  );
}
