/**
 * What one run of `fit` holds while it trains: set up once by fit.ts (the model, its optimiser and
 * objective, the batches, the callbacks and monitors), then handed to each epoch (fit-epoch.ts) and
 * its batches (fit-batches.ts).
 */

import type { WeightsSnapshot } from '../formats/index.ts';
import type { MonitorContext, MonitoredFields, MonitorRun, Sections } from '../monitor/index.ts';
import type { tf } from '../tf.ts';
import type { EpochBatches, TensorData } from './fit-data.ts';
import type { FitCallback, FitContext, FitOptions } from './fit-options.ts';
import type { GradientStrategy } from './gradients.ts';
import type { Objective } from './objective.ts';
import type { TfCallbacks } from './tfjs-callbacks.ts';

/** A snapshot of the model after an epoch: its evaluation and the default monitors' fields, and the user monitors' sections. */
export interface Snapshot {
  readonly snapshot: WeightsSnapshot & Partial<MonitoredFields>;
  readonly sections: Sections<unknown>['monitors'];
}

/** A run of `fit` as its epochs see it. */
export interface FitRun {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly objective: Objective;
  readonly strategy: GradientStrategy;
  /** The training batches of each epoch. */
  readonly source: EpochBatches;
  readonly seed: number;
  /** The epoch to train up to. */
  readonly epochs: number;
  readonly options: FitOptions;
  /** This library's callbacks. */
  readonly ours: readonly FitCallback[];
  /** TF.js's callbacks. */
  readonly theirs: TfCallbacks;
  readonly monitors: MonitorRun<MonitoredFields>;
  readonly watched: MonitorContext;
  readonly validationData: TensorData | undefined;
  /** Measure the share of each constrained weight's channels projected (the model has constraints). */
  readonly measure: boolean;
  readonly ctx: FitContext;
  /** The snapshot after `epoch`: its evaluation, then every monitor's section. */
  snapshot(epoch: number): Promise<Snapshot>;
  /** An InterruptedError, saying `where`, once `options.signal` is aborted. */
  stopIfAsked(where: string): void;
}

/** Resolves after the event loop's next turn (setImmediate in Node, a zero timeout in browsers). */
export const nextTurn = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
