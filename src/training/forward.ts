/**
 * The forward pass the losses read. An output whose layer ends in a softmax (an
 * `Activation('softmax')` layer, or a layer with `activation: 'softmax'`; inside a nested model
 * too) gives a cross-entropy loss its logits: the softmax is skipped for that pass, as Keras does.
 * With large initial weights the softmax saturates, and the cross-entropy of clipped probabilities
 * would pass no gradient there. Metrics read the probabilities (the softmax of those logits).
 */
import { outputLayersOf } from '../model/index.ts';
import { type Tensor, tf } from '../tf.ts';
import type { Loss } from './losses.ts';

interface WithActivation {
  activation?: { getClassName(): string; apply(x: Tensor): Tensor };
}

/** The identity activation put in place of a final softmax for a logits pass. */
const LINEAR = { getClassName: () => 'linear', apply: (x: Tensor) => x };

/** The layer that makes output `i` of `model` (inside nested models), when its activation is a softmax. */
function finalSoftmax(model: tf.LayersModel, i: number): WithActivation | undefined {
  let layer: tf.layers.Layer | undefined = outputLayersOf(model)[i];
  while (layer instanceof tf.LayersModel && layer.outputs.length === 1) layer = outputLayersOf(layer)[0];
  const last = layer as unknown as WithActivation | undefined;
  return last?.activation?.getClassName() === 'softmax' ? last : undefined;
}

/** Each output as the loss reads it, whether it is logits, and the probabilities metrics read. */
export interface Outputs {
  readonly preds: Tensor[];
  readonly logits: boolean[];
  /** The probabilities: `preds`, or their softmax where they are logits (computed on first use). */
  probs(i: number): Tensor;
}

/** The model's outputs on `xs` (its inputs, in order), with the softmax skipped where a loss wants logits. */
export function forward(model: tf.LayersModel, xs: readonly Tensor[], losses: readonly Loss[], training: boolean): Outputs {
  const swapped = losses.map((loss, i) => (loss.wantsLogits ? finalSoftmax(model, i) : undefined));
  const saved = swapped.map((s) => s?.activation);
  for (const s of swapped) if (s) s.activation = LINEAR;
  let out: Tensor | Tensor[];
  try {
    out = model.apply(xs.length === 1 ? (xs[0] as Tensor) : [...xs], { training }) as Tensor | Tensor[];
  } finally {
    // In reverse: a layer making two outputs gets its own activation back last.
    for (let i = swapped.length - 1; i >= 0; i--) {
      const s = swapped[i];
      if (s) s.activation = saved[i];
    }
  }
  const preds = Array.isArray(out) ? out : [out];
  const logits = swapped.map((s) => s !== undefined);
  const probs: Tensor[] = [];
  return { preds, logits, probs: (i) => (probs[i] ??= logits[i] ? tf.softmax(preds[i] as Tensor) : (preds[i] as Tensor)) };
}
