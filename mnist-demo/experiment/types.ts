/**
 * What the command line asks for, parsed and checked: an experiment (the settings every run of a
 * `penx train` or `penx compare` shares) and the runs in it (a penalty, an optimiser, a name).
 */
import type { LayerControls, Monitor, PenaltyRegularizer, PenxConstraint, PruneOptions } from 'penalty-explorer';

/** Where the model comes from. */
export type ModelSource =
  | { readonly kind: 'reference' }
  | { readonly kind: 'module'; readonly path: string }
  | { readonly kind: 'folder'; readonly dir: string };

/** The settings every run of a `penx train` or `penx compare` shares, parsed and checked. */
export interface Experiment {
  readonly model: ModelSource;
  /** The constraint of every kernel (`--constraint`). */
  readonly constraint?: PenxConstraint;
  /** Penalise the biases too (`--penalize-bias`). */
  readonly penalizeBias: boolean;
  /** Save the checkpoint's model portable (loadable by plain TF.js). */
  readonly portable: boolean;
  /** A folder of IDX files (default: the bundled MNIST), and seeded subsets. */
  readonly data: { readonly dir?: string; readonly trainSize?: number; readonly testSize?: number };
  readonly epochs: number;
  readonly batchSize: number;
  /** Seed of the initial weights, the batch order and the subsets. */
  readonly seed: number;
  /** Optimiser spec, e.g. `adadelta:lr=1,rho=0.95` (the reference). */
  readonly optimizer: string;
  readonly controls?: LayerControls;
  /** The user's monitors (`--monitor`), in order: the same objects for every run (each run calls their onTrainBegin first). */
  readonly monitors?: readonly Monitor[];
  /** Each `--monitor` module's SHA-256 as it was loaded, by its path as given (a sweep's runs are held to it). */
  readonly monitorDigests?: Readonly<Record<string, string>>;
  readonly trackNorms: 'epoch' | 'batch';
  /** When to measure the prune curve; absent: never. */
  readonly prune?: PruneOptions;
  /** Draw each run's figures and report.html (and a comparison's) while training; false: run.json only (`penx plot` draws them later). */
  readonly figures: boolean;
  /** The folder run folders go in. */
  readonly out: string;
  readonly resume: boolean;
  readonly force: boolean;
}

/** One run of an experiment. */
export interface PenaltyRun {
  readonly penalty: PenaltyRegularizer;
  /** The user module the penalty came from, if any. */
  readonly module?: string;
  /** The optimiser, when it differs from the experiment's. */
  readonly optimizer?: string;
  /** The run's folder name. */
  readonly name: string;
}
