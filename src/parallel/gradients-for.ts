/**
 * The gradient strategy for a model on the current backend: sharded over `workers` worker threads
 * when it can be (a named loss, a model TF.js can rebuild from its JSON in a worker), else this
 * thread alone, with the reason.
 */
import type { tf } from '../tf.ts';
import { localGradients, type GradientStrategy } from '../training/index.ts';
import { namedObjective, objectiveOf, type LossOption, type MetricsOption } from '../training/index.ts';
import { ShardedGradients } from './sharded.ts';

export async function gradientsFor(model: tf.LayersModel, workers: number, loss: LossOption = 'categoricalCrossentropy', metrics?: MetricsOption): Promise<{ gradients: GradientStrategy; note?: string }> {
  if (workers === 0) return { gradients: localGradients };
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return { gradients: localGradients, note: 'one thread: a model of several inputs or outputs cannot run on worker threads' };
  if (!namedObjective(objectiveOf(model, loss, metrics))) return { gradients: localGradients, note: 'one thread: a loss or metric given as a function cannot run on worker threads' };
  try {
    return { gradients: await ShardedGradients.start(model, workers) };
  } catch (err) {
    return { gradients: localGradients, note: `one thread: the model cannot be rebuilt on worker threads (${(err as Error).message.split('\n')[0]})` };
  }
}
