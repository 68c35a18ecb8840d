/**
 * What a model holds, weight by weight, found wherever TF.js keeps it — what the training step
 * penalises and constrains, and what the record attributes:
 *
 *   model.layers, and the layers of nested models (recursively) ─► the record's layers (`outer/inner`)
 *   each layer ─► the objects that made its weights: the layer itself, an RNN's cell (or stacked
 *                 cells), a Bidirectional's forward and backward RNNs, a TimeDistributed's layer
 *   each weight ─► its layer; trained (one of model.trainableWeights, of dtype float32) or not; its constraint (on the
 *                 variable); its regularizer, the maker's `<x>Regularizer` for the weight's name
 *                 (kernel ─► kernelRegularizer, recurrent_kernel ─► recurrentRegularizer, …; a
 *                 custom layer's weight of another name, `scale/gain` ─► gainRegularizer)
 *
 * TF.js keeps a recurrent layer's regularizers on its cell, where `model.calculateLosses()` does not
 * look (so its own `fit` drops them); here they are found. A maker whose loss terms (TF.js's
 * `losses`) are not exactly the regularizers attributed to its weights (a custom layer's `addLoss`)
 * is refused by `checkInventory`, naming it: nothing is counted that cannot be attributed.
 */

import { UsageError } from '../errors.ts';
import { weightBaseName } from '../formats/index.ts';
import { type Scalar, type Tensor, tf } from '../tf.ts';

/** A TF.js regularizer (tfjs-layers does not export its base class's type). */
export interface Regularizer extends tf.serialization.Serializable {
  apply(w: Tensor): Scalar;
}

/** A TF.js constraint. */
export interface Constraint extends tf.serialization.Serializable {
  apply(w: Tensor): Tensor;
}

/** One weight tensor of the model and what acts on it. */
export interface WeightEntry {
  readonly variable: tf.LayerVariable;
  /** Its name, e.g. `conv2d_1/kernel` (the variable's `originalName`). */
  readonly name: string;
  /** The record's layer holding it, e.g. `conv2d_1`, or `inner/dense_1` in a nested model. */
  readonly layer: string;
  /** True when the optimiser trains it: it is among `model.trainableWeights` and takes a gradient (`takesGradient`). */
  readonly trainable: boolean;
  /** The class of the object that made it: its layer's, or an RNN's cell's (`LSTMCell`), a wrapper's inner layer's. */
  readonly maker: string;
  /** Its penalty, wherever TF.js keeps it. */
  readonly regularizer?: Regularizer;
  readonly constraint?: Constraint;
}

/** One layer of the record: its path and weights, in the model's order. */
export interface LayerEntry {
  readonly name: string;
  readonly layer: tf.layers.Layer;
  readonly weights: readonly WeightEntry[];
}

/** What `inventory(model)` returns: the model's layers with their weights, and every weight once. */
export interface Inventory {
  /** Each leaf layer (a nested model's as `outer/inner`) with the weights it holds, in the model's order. */
  readonly layers: readonly LayerEntry[];
  /** Every weight, in the order of `model.weights`. */
  readonly weights: readonly WeightEntry[];
}

/** A weight's last name part → the attribute of its maker holding its regularizer (its config key: `kernelRegularizer`, `kernel_regularizer`). */
export const REGULARIZER_OF: Readonly<Record<string, string>> = {
  kernel: 'kernelRegularizer',
  recurrent_kernel: 'recurrentRegularizer',
  bias: 'biasRegularizer',
  depthwise_kernel: 'depthwiseRegularizer',
  pointwise_kernel: 'pointwiseRegularizer',
  embeddings: 'embeddingsRegularizer',
  gamma: 'gammaRegularizer',
  beta: 'betaRegularizer',
  alpha: 'alphaRegularizer',
};

/** Where a layer's weight's regularizer is found, for messages: `kernel → kernelRegularizer, …, alpha → alphaRegularizer, any other name <x> → <x>Regularizer`. */
const WHERE_FOUND = `${Object.entries(REGULARIZER_OF)
  .map(([weight, attr]) => `${weight} → ${attr}`)
  .join(', ')}, any other name in camelCase + Regularizer (gain → gainRegularizer, my_gain → myGainRegularizer)`;

export { weightBaseName };

type Any = Record<string, unknown>;
const isModel = (l: unknown): l is tf.LayersModel => l instanceof tf.LayersModel;

/** The objects that made `layer`'s weights (and hold their regularizers). */
export function makersOf(layer: tf.layers.Layer): tf.layers.Layer[] {
  const l = layer as unknown as Any;
  if (l['forwardLayer'] && l['backwardLayer']) return [...makersOf(l['forwardLayer'] as tf.layers.Layer), ...makersOf(l['backwardLayer'] as tf.layers.Layer)];
  if (l['cell'] && typeof l['cell'] === 'object') {
    const cell = l['cell'] as Any;
    return Array.isArray(cell['cells']) ? (cell['cells'] as tf.layers.Layer[]) : [cell as unknown as tf.layers.Layer];
  }
  if (l['layer'] && typeof l['layer'] === 'object' && typeof (l['layer'] as Any)['getClassName'] === 'function') return makersOf(l['layer'] as tf.layers.Layer);
  return [layer];
}

/** The model's layers, nested models' layers in place of the nested model, as [path, layer]; with `all`, those without weights too. */
function leafLayers(model: tf.LayersModel, all = false, prefix = ''): Array<[string, tf.layers.Layer]> {
  return model.layers.flatMap((layer): Array<[string, tf.layers.Layer]> => {
    if (isModel(layer)) return leafLayers(layer, all, `${prefix}${layer.name}/`);
    return all || layer.weights.length > 0 ? [[`${prefix}${layer.name}`, layer]] : [];
  });
}

/**
 * The property of a weight's maker holding the weight's regularizer: TF.js's own for its layers'
 * weight names (REGULARIZER_OF), else the name's last part in camelCase + `Regularizer`, as TF.js
 * names a config key `<name>_regularizer` in JavaScript (a custom layer's `gain` ─► `gainRegularizer`);
 * none for `activity` (`activityRegularizer` penalises a layer's output, not a weight).
 *
 * @example
 * regularizerKey('gru/recurrent_kernel_1')   // 'recurrentRegularizer'
 * regularizerKey('scale/my_gain')            // 'myGainRegularizer'
 */
export function regularizerKey(name: string): string | undefined {
  const own = REGULARIZER_OF[weightBaseName(name)];
  if (own) return own;
  const last = name.split('/').at(-1) ?? name;
  const key = `${last.replace(/_+(\w|$)/g, (_, c: string) => c.toUpperCase())}Regularizer`;
  return key === 'activityRegularizer' ? undefined : key;
}

/** The regularizer `maker` keeps for its weight `w`, if any. */
function regularizerOf(maker: tf.layers.Layer, w: tf.LayerVariable): Regularizer | undefined {
  const attr = regularizerKey(w.originalName);
  const reg = attr ? (maker as unknown as Any)[attr] : undefined;
  return reg == null ? undefined : (reg as Regularizer);
}

/**
 * Every weight of `model` with its layer, trainability, regularizer and constraint (see the file's
 * comment). Cheap: it reads the layers, no tensor.
 *
 * @example
 * inventory(model).weights.filter((w) => w.regularizer).map((w) => w.name)   // ['gru/kernel', 'emb/embeddings']
 */
export function inventory(model: tf.LayersModel): Inventory {
  const trainable = new Set(uniqueWeights(model, true));
  const byVariable = new Map<tf.LayerVariable, WeightEntry>();
  const layers = leafLayers(model).map(([path, layer]): LayerEntry => {
    const entries: WeightEntry[] = [];
    for (const maker of makersOf(layer)) {
      for (const variable of maker.weights) {
        if (byVariable.has(variable)) continue;
        const regularizer = regularizerOf(maker, variable);
        const entry: WeightEntry = {
          variable,
          name: variable.originalName,
          layer: path,
          trainable: trainable.has(variable),
          maker: maker.getClassName(),
          ...(regularizer ? { regularizer } : {}),
          ...(variable.constraint != null ? { constraint: variable.constraint as Constraint } : {}),
        };
        byVariable.set(variable, entry);
        entries.push(entry);
      }
    }
    return { name: path, layer, weights: entries };
  });
  // A weight tied between layers is in model.weights once per layer holding it: here once.
  const weights = uniqueWeights(model).map((v) => {
    const entry = byVariable.get(v);
    if (!entry) throw new UsageError(`weight ${v.originalName} of model ${model.name} belongs to no layer this library can find; it cannot be recorded`);
    return entry;
  });
  return { layers, weights };
}

/**
 * Each weight's key in maps by weight (a constraint's projected shares): its name, unless another
 * weight of the model has the same name (same-named layers in two nested models), then its
 * variable's unique name, so no two weights share a key.
 *
 * @example
 * weightKeys(model).get(v)   // 'dense/kernel'; of inner1/dense and inner2/dense: 'dense/kernel' and 'dense/kernel_1'
 */
export function weightKeys(model: tf.LayersModel): Map<tf.LayerVariable, string> {
  const weights = uniqueWeights(model);
  const count = new Map<string, number>();
  for (const v of weights) count.set(v.originalName, (count.get(v.originalName) ?? 0) + 1);
  return new Map(weights.map((v) => [v, (count.get(v.originalName) ?? 0) > 1 ? v.name : v.originalName]));
}

/**
 * Whether a weight can take a gradient: float32 only (TF.js's autodiff differentiates nothing else).
 * A custom layer's int32 weight given to `addWeight` as trainable is among TF.js's
 * `model.trainableWeights`, yet no step can train it: TF.js's optimisers would assign it a float32
 * update (and throw "dtype of the new value (float32) and previous value (int32) must match"), or
 * leave it as it is when no gradient reaches it. Here it is not trained, and recorded as not trainable.
 *
 * @example
 * takesGradient(layer.addWeight('levels', [4], 'int32', init, undefined, true))   // false
 */
export const takesGradient = (w: tf.LayerVariable): boolean => w.dtype === 'float32';

/**
 * The model's weights, each once: TF.js's `model.weights` lists a weight once per layer holding
 * it (a tied weight, one variable in two layers' weights: twice). With `trained`, those the optimiser
 * trains: TF.js's `model.trainableWeights` that take a gradient (`takesGradient`).
 *
 * @example
 * uniqueWeights(autoencoderWithTiedDecoder).length   // model.weights.length − 1
 */
export function uniqueWeights(model: tf.LayersModel, trained = false): tf.LayerVariable[] {
  return trained ? [...new Set(model.trainableWeights)].filter(takesGradient) : [...new Set(model.weights)];
}

/** The weights that carry a penalty. */
export function penalised(model: tf.LayersModel): WeightEntry[] {
  return inventory(model).weights.filter((w) => w.regularizer !== undefined);
}

/** Each penalised weight's λ·penalty(w) (in `penalised` order) and their sum, as tensors (inside a tape: differentiable). */
export function penaltyTerms(model: tf.LayersModel): { terms: Scalar[]; total: Scalar } {
  const terms = penalised(model).map((w) => w.regularizer!.apply(w.variable.read()));
  return { terms, total: terms.length === 0 ? tf.scalar(0) : (tf.addN(terms) as Scalar) };
}

/**
 * Throws a UsageError naming the layer when some loss term TF.js keeps is not a regularizer of one of
 * its weights (a custom layer's `addLoss`, a regularizer under a name this library does not know):
 * such a term would be counted without being attributed, or attributed wrongly (or a layer has an
 * activity regularizer, which TF.js cannot apply); or naming the weight
 * when its regularizer is none of those terms (set or replaced after the layer was built, as
 * `layer.kernelRegularizer = …`: TF.js never applies it). Compares, for each maker of weights, its
 * loss terms one by one (by value) and their number and sum with the regularizers found here.
 */
export function checkInventory(model: tf.LayersModel): void {
  const inv = inventory(model);
  const checked = new Set<tf.layers.Layer>();
  for (const [name, layer] of leafLayers(model, true)) {
    // A layer both in a nested model and in the model itself: once, where its weights are attributed.
    if (checked.has(layer)) continue;
    checked.add(layer);
    // Given one after it was built (TF.js refuses a layer made with one): TF.js would throw as the model first runs.
    if ((layer as unknown as Any)['activityRegularizer'] != null)
      throw new UsageError(
        `layer ${name} has an activity regularizer (a penalty on its output, set after it was built), which TF.js cannot apply (calling the layer throws "not supported yet") and this library cannot attribute to a weight; remove it (layer.activityRegularizer = null), or penalise the layer's weights`,
      );
    const attributed = inv.layers.filter((e) => e.layer === layer).flatMap((e) => e.weights);
    for (const maker of makersOf(layer)) {
      // Those attributed to this layer: a weight tied into another layer (also in its weights) is its maker's.
      const own = attributed.filter((w) => w.regularizer && maker.weights.includes(w.variable));
      const losses = maker.losses.length;
      const where = maker === layer ? `layer ${name}` : `layer ${name} (its ${maker.getClassName()} ${maker.name})`;
      const unapplied = unappliedRegularizers(maker, own);
      if (unapplied.length > 0) {
        const named = unapplied.map((w) => `${w.name} (${maker.getClassName()}'s ${regularizerKey(w.name)})`).join(', ');
        throw new UsageError(
          `${where}: the penalty on ${named} is not among the loss terms TF.js keeps for it, so training with it would not apply it: it was set (or replaced) after the layer made its weights, and TF.js takes a weight's regularizer once, as the layer builds (as Keras does); give it in the layer's config before the model is built (tf.layers.dense({ kernelRegularizer: … })), or put one penalty on every kernel of the built model with attachToKernels`,
        );
      }
      if (losses !== own.length) {
        const bare = attributed.filter((w) => !w.regularizer && maker.weights.includes(w.variable)).map((w) => w.name);
        throw new UsageError(
          `${where} adds ${losses} loss term(s) to training but only ${own.length} are regularizers of its weights this library can attribute (${own.map((w) => w.name).join(', ') || 'none'}); a loss added with addLoss (or left by a regularizer removed after the layer was built) cannot be recorded, and a weight's penalty is found only where TF.js's own layers keep it, as the layer's property for the weight's name (${WHERE_FOUND}; a custom layer keeps there the regularizer it gives addWeight: ${keptAs(bare)})${bare.length ? `; its weights with no penalty found: ${bare.map(sought).join(', ')}` : ''}`,
        );
      }
      if (losses === 0) continue;
      const [theirs, ours] = tf.tidy(() => {
        const t = maker.calculateLosses();
        return [tf.addN(t).dataSync()[0] ?? NaN, tf.addN(own.map((w) => w.regularizer!.apply(w.variable.read()))).dataSync()[0] ?? NaN];
      });
      // Equal, or both the same non-finite value (a diverging strength is the training's to report).
      if (!(Object.is(theirs, ours) || Math.abs(theirs - ours) <= 1e-5 * (1 + Math.abs(theirs)) || (Number.isNaN(theirs) && Number.isNaN(ours)))) {
        throw new UsageError(
          `${where}: its loss terms sum to ${theirs}, the regularizers attributed to its weights to ${ours}; its penalties cannot be attributed`,
        );
      }
    }
  }
}

/** A weight with no penalty found, with where it is sought: `scale/gain (sought as this.gainRegularizer)`. */
function sought(name: string): string {
  const key = regularizerKey(name);
  return `${name} (${key ? `sought as this.${key}` : `none is sought on a weight named ${name.split('/').at(-1)}: rename it`})`;
}

/** How a custom layer keeps a weight's penalty where it is found, for the first of `names` that can have one: `this.addWeight('gain', …, this.gainRegularizer)`. */
function keptAs(names: readonly string[]): string {
  const name = names.find((n) => regularizerKey(n)) ?? 'kernel';
  return `this.addWeight('${name.split('/').at(-1)}', …, this.${regularizerKey(name)})`;
}

/** Two loss values alike: within float32 rounding, or the same non-finite value. */
const sameLoss = (a: number, b: number) => Object.is(a, b) || Math.abs(a - b) <= 1e-5 * (1 + Math.abs(a)) || (Number.isNaN(a) && Number.isNaN(b));

/**
 * The weights of `own` (those `maker` keeps a regularizer for) whose λ·penalty is none of the
 * maker's loss terms, each term matched once by value: a regularizer set or replaced after the
 * layer made its weights (TF.js's `addWeight` keeps the one it was given then, in `losses`).
 *
 * @example
 * dense.kernelRegularizer = penalty('l1:0.01');   // after the model is built
 * unappliedRegularizers(dense, own)                // [the entry of dense/kernel]
 */
function unappliedRegularizers(maker: tf.layers.Layer, own: readonly WeightEntry[]): WeightEntry[] {
  if (own.length === 0) return [];
  const [theirs, ours] = tf.tidy(() => [
    maker.losses.map((f) => f().dataSync()[0] ?? NaN),
    own.map((w) => w.regularizer!.apply(w.variable.read()).dataSync()[0] ?? NaN),
  ]);
  const left = [...theirs];
  return own.filter((_, i) => {
    const j = left.findIndex((t) => sameLoss(t, ours[i] as number));
    if (j < 0) return true;
    left.splice(j, 1);
    return false;
  });
}

/** The layer making each of the model's outputs (a Sequential model's before it is built, too). */
export function outputLayersOf(model: tf.LayersModel): tf.layers.Layer[] {
  return model.outputs.map((t) => t.sourceLayer as tf.layers.Layer);
}

/** The model's input names, in order, as TF.js names them (the input layers'). */
export function inputNamesOf(model: tf.LayersModel): string[] {
  return model.inputs.map((t) => t.sourceLayer.name);
}

/** The model's output names, in order, as TF.js names them (the output layers'). */
export function outputNamesOf(model: tf.LayersModel): string[] {
  return outputLayersOf(model).map((l) => l.name);
}
