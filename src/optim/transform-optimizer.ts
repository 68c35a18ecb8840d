/**
 * A gradient transform as a TF.js optimiser, so `trainStep`, checkpoints and anything else that
 * takes a `tf.Optimizer` can use it:
 *
 *   grads (by variable) ─► by weight name ─► transform.update ─► w ← w + u ─► state kept, old freed
 *
 * Weight names are the layers' own (`conv2d_1/kernel`), whatever suffix TF.js gave the variables.
 * `getWeights`/`setWeights` save and restore the transform's state exactly.
 *
 * @example
 * const opt = optimizerFor(model, chain(masked('dense_2', zero()), optimizerSpec('adamw:lr=1e-3').transform));
 * await trainStep(model, opt, x, y);
 */
import { DataError, UsageError } from '../errors.ts';
import { uniqueWeights } from '../model/index.ts';
import { type Tensor, tf } from '../tf.ts';
import type { GradientTransform, State, Tree } from './transform.ts';

type NamedTensor = { name: string; tensor: Tensor };

/**
 * A gradient transform run as a `tf.Optimizer` over the model's weights (see the file's comment);
 * made by `optimizerFor`.
 *
 * Formula: u, state ← transform.update(g, state, w);  w ← w + u
 *
 * @example
 * const opt = optimizerFor(model, optimizerSpec('sgd:lr=0.1').transform);   // a TransformOptimizer
 */
export class TransformOptimizer extends tf.Optimizer {
  static className = 'penx.TransformOptimizer';
  private state: State;
  private readonly byVariable: Map<string, string>;

  /** `params`: weight name → its variable. */
  constructor(
    readonly transform: GradientTransform,
    private readonly params: Readonly<Record<string, tf.Variable>>,
  ) {
    super();
    this.byVariable = new Map(Object.entries(params).map(([name, v]) => [v.name, name]));
    this.state = tf.tidy(() => transform.init(params));
  }

  /** The weight names this optimiser updates. */
  get names(): string[] {
    return Object.keys(this.params);
  }

  /** One step of the transform; a UsageError for a gradient of a variable it does not update. */
  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const grads: Record<string, Tensor> = {};
    for (const { name, tensor } of list) {
      const weight = this.byVariable.get(name);
      if (weight === undefined)
        throw new UsageError(`TransformOptimizer: no weight for variable ${name}; give gradients of the variables it updates (${this.names.join(', ')})`);
      grads[weight] = tensor;
    }
    const params = this.params as Tree;
    const { u, s } = tf.tidy(() => {
      const [updates, next] = this.transform.update(grads, this.state, params);
      return { u: { ...updates }, s: { ...next } };
    });
    tf.tidy(() => {
      for (const [name, update] of Object.entries(u)) {
        const w = this.params[name] as tf.Variable;
        w.assign(tf.add(w, update));
      }
    });
    const kept = new Set(Object.values(s));
    tf.dispose([
      ...Object.values(this.state).filter((t) => !kept.has(t)),
      ...Object.values(u).filter((t) => !kept.has(t) && !Object.values(grads).includes(t)),
    ]);
    this.state = s;
    this.incrementIterations();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations(), ...Object.entries(this.state).map(([name, tensor]) => ({ name, tensor }))];
  }

  /** Restore the state `getWeights` saved; a DataError when it lacks a tensor of this transform's state (another transform's, or other weights'). */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const values = await this.extractIterations(weightValues);
    const next = Object.fromEntries(values.map((v) => [v.name, v.tensor]));
    const missing = Object.keys(this.state).filter((k) => !(k in next));
    if (missing.length > 0)
      throw new DataError(
        `optimizer state lacks ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}; give it the weights getWeights() of an optimiser of the same transform and weights saved`,
      );
    tf.dispose(Object.values(this.state));
    this.state = Object.fromEntries(Object.keys(this.state).map((k) => [k, tf.keep(next[k] as Tensor)]));
  }

  override dispose(): void {
    tf.dispose(Object.values(this.state));
    this.state = {};
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

/**
 * An optimiser applying `transform` to the trainable weights of `model`, by weight name. A
 * UsageError when two trainable weights share a name (layers of one name in two nested models):
 * their state, masks and learning rates could not be told apart.
 */
export function optimizerFor(model: tf.LayersModel, transform: GradientTransform): TransformOptimizer {
  const params: Record<string, tf.Variable> = {};
  for (const lv of uniqueWeights(model, true)) {
    const earlier = params[lv.originalName];
    if (earlier)
      throw new UsageError(
        `two trainable weights of model ${model.name} are both named ${lv.originalName} (variables ${earlier.name} and ${(lv.read() as tf.Variable).name}): the optimiser's state, masks and learning rates go by weight name; give their layers distinct names (in nested models too)`,
      );
    params[lv.originalName] = lv.read() as tf.Variable;
  }
  return new TransformOptimizer(transform, params);
}

/** The names `optimizerFor` uses for a model's trainable weights (for pattern checks). */
export function weightNames(model: tf.LayersModel): string[] {
  return uniqueWeights(model, true).map((lv) => lv.originalName);
}
