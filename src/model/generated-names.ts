/**
 * The names TF.js gives what it is given no name for (tfjs-layers: `name ?? <stem> + getUid(<stem>)`),
 * n counting those of the stem made in the process:
 *
 *   a layer of class C (its `getClassName()`)           ─► `<snake_case(C)>_C<n>`   dense_Dense3, conv2d_Conv2D1
 *   an input                                             ─► `input<n>`
 *   a Sequential (a registered subclass of it too)       ─► `sequential_<n>`
 *   another model (tf.model; a registered subclass MyNet) ─► `model<n>`, `mynet<n>`
 *
 * TF.js keeps no trace of whether a name was given or made up (the constructor's arguments are not
 * kept, its counters are private to it), so a name given in one of these forms cannot be told from
 * one TF.js made: both match.
 */
import { tf } from '../tf.ts';

/**
 * TF.js's snake case of a class name (tfjs-layers' `toSnakeCase`), the first part of the names it
 * gives that class's layers.
 *
 * @example
 * snakeCase('Conv2D')            // 'conv2d'
 * snakeCase('SimpleRNNCell')     // 'simple_rnn_cell'
 */
export function snakeCase(className: string): string {
  const words = className.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  const snake = words.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return snake.startsWith('_') ? `private${snake}` : snake;
}

/** What the name TF.js gives a layer depends on: its class name, and for a model whether it is a Sequential. */
export interface NamedKind {
  /** Its `getClassName()` (a topology's `class_name`). */
  readonly className: string;
  /** A model (`sequential` a Sequential, or a subclass of it), or not given: a layer. */
  readonly model?: 'sequential' | 'functional';
}

/**
 * A built layer's or model's kind as its name depends on it.
 *
 * @example
 * namedKindOf(tf.sequential({ layers }))   // { className: 'Sequential', model: 'sequential' }
 */
export function namedKindOf(layer: tf.layers.Layer): NamedKind {
  const className = layer.getClassName();
  if (!(layer instanceof tf.LayersModel)) return { className };
  return { className, model: layer instanceof tf.Sequential ? 'sequential' : 'functional' };
}

/**
 * The part before the count of the name TF.js gives a layer or model of `kind` left unnamed.
 *
 * @example
 * generatedStem({ className: 'Dense' })                        // 'dense_Dense'
 * generatedStem({ className: 'Block', model: 'functional' })   // 'block'
 * generatedStem({ className: 'MySeq', model: 'sequential' })   // 'sequential_'
 */
export function generatedStem(kind: NamedKind): string {
  if (kind.model === 'sequential') return 'sequential_';
  if (kind.model === 'functional') return kind.className.toLowerCase();
  return kind.className === 'InputLayer' ? 'input' : `${snakeCase(kind.className)}_${kind.className}`;
}

/**
 * The stem of `name` when it has the form TF.js gives `kind` left unnamed (`<stem><n>`), else undefined.
 *
 * @example
 * generatedStemOf('dense_Dense7', { className: 'Dense' })   // 'dense_Dense'
 * generatedStemOf('my_Dense7', { className: 'Dense' })      // undefined
 * generatedStemOf('mine', { className: 'Dense' })           // undefined
 */
export function generatedStemOf(name: string, kind: NamedKind): string | undefined {
  const stem = generatedStem(kind);
  return name.startsWith(stem) && /^[1-9]\d*$/.test(name.slice(stem.length)) ? stem : undefined;
}

/** The models built with their TF.js-form layer names counted in the model (attachToKernels' `countNames`). */
const counted = new WeakSet<tf.LayersModel>();

/** Mark `model` as having its layer names counted in it (the same in every build), not across the process. */
export const markNamesCounted = (model: tf.LayersModel): void => void counted.add(model);

/**
 * Whether `model`'s layers in TF.js's name form are counted in the model (attachToKernels' `countNames`:
 * `dense_Dense1`, the same in every build) rather than across the process.
 */
export const namesCounted = (model: tf.LayersModel): boolean => counted.has(model);
