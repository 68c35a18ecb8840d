/**
 * The forward pass the losses read. An output whose layer ends in a softmax (an
 * `Activation('softmax')` layer, or a layer with `activation: 'softmax'`; inside a nested model
 * too) gives a cross-entropy loss its logits: the softmax is skipped for that pass, as Keras does.
 * A final `Softmax` layer too, when its axis (a number, or a list of one) is the output's last:
 * TF.js's default axis 1 is the last of a [batch, classes] output (Keras 3's Softmax layer calls
 * `activations.softmax`, which keeps the logits for the cross-entropy; Keras 2's cross-entropy
 * reads the input of a final Softmax op). Over several axes, or with a mask (one a layer computes,
 * e.g. Masking's: TF.js drops a mask passed to a functional call), the loss reads its
 * probabilities (TF.js's softmax takes no single axis but the last).
 * With large initial weights the softmax saturates, and the cross-entropy of clipped probabilities
 * would pass no gradient there. Metrics read the probabilities (the softmax of those logits).
 */
import { outputLayersOf } from '../model/index.ts';
import { type Tensor, tf } from '../tf.ts';
import type { Loss } from './losses.ts';

interface WithActivation {
  activation?: { getClassName(): string; apply(x: Tensor): Tensor };
}

/** TF.js's Softmax layer, as far as a logits pass touches it. */
interface SoftmaxLayer {
  axis: unknown;
  call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[];
}

/** The identity activation put in place of a final softmax for a logits pass. */
const LINEAR = { getClassName: () => 'linear', apply: (x: Tensor) => x };

/**
 * Whether a softmax over `axis` (a number or a list, as a Softmax layer's config gives it) of
 * outputs of rank `rank` (with the batch) is over their last axis: axis −1 or rank − 1, alone
 * or as a list of one. E.g. TF.js's default axis 1 of a [batch, classes] output: yes; of a
 * [batch, steps, classes] output: no.
 */
export function softmaxOverLastAxis(axis: unknown, rank: number): boolean {
  const single = Array.isArray(axis) ? (axis.length === 1 ? axis[0] : undefined) : axis;
  return single === -1 || single === rank - 1;
}

/** A final softmax left out for one pass: `skip` before it, `restore` after; `skipped` whether the pass left it out. */
interface Skip {
  /** The layer whose softmax is left out. */
  readonly layer: object;
  skip(): void;
  restore(): void;
  skipped(): boolean;
}

/** Skips a layer's softmax activation (always). */
function skipActivation(layer: WithActivation): Skip {
  const saved = layer.activation;
  return {
    layer,
    skip: () => {
      layer.activation = LINEAR;
    },
    restore: () => {
      layer.activation = saved;
    },
    skipped: () => true,
  };
}

/** Skips a Softmax layer: its call returns its input, unless given a mask (then it computes as ever). */
function skipSoftmaxLayer(layer: SoftmaxLayer): Skip {
  const own = Object.hasOwn(layer, 'call') ? layer.call : undefined;
  const call = layer.call;
  let skipped = false;
  return {
    layer,
    skip: () => {
      layer.call = function (inputs, kwargs) {
        if (kwargs?.['mask'] != null) return call.call(this, inputs, kwargs);
        skipped = true;
        return Array.isArray(inputs) ? (inputs[0] as Tensor) : inputs;
      };
    },
    restore: () => {
      if (own) layer.call = own;
      else delete (layer as Partial<SoftmaxLayer>).call;
    },
    skipped: () => skipped,
  };
}

/** Output `i` of `model`'s final softmax (inside nested models) as a `Skip`, when a logits pass can leave it out. */
function finalSoftmax(model: tf.LayersModel, i: number): Skip | undefined {
  let layer: tf.layers.Layer | undefined = outputLayersOf(model)[i];
  while (layer instanceof tf.LayersModel && layer.outputs.length === 1) layer = outputLayersOf(layer)[0];
  if (layer?.getClassName() === 'Softmax') {
    const rank = (layer.outputShape as Array<number | null>).length;
    const softmax = layer as unknown as SoftmaxLayer;
    return softmaxOverLastAxis(softmax.axis, rank) ? skipSoftmaxLayer(softmax) : undefined;
  }
  const last = layer as unknown as WithActivation | undefined;
  return last?.activation?.getClassName() === 'softmax' ? skipActivation(last) : undefined;
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
  // One skip per layer (a layer making two outputs is left out once, and restored once).
  const byLayer = new Map<object, Skip>();
  const skips = losses.map((loss, i) => {
    const s = loss.wantsLogits ? finalSoftmax(model, i) : undefined;
    if (s && !byLayer.has(s.layer)) byLayer.set(s.layer, s);
    return s && byLayer.get(s.layer);
  });
  for (const s of byLayer.values()) s.skip();
  let out: Tensor | Tensor[];
  try {
    out = model.apply(xs.length === 1 ? (xs[0] as Tensor) : [...xs], { training }) as Tensor | Tensor[];
  } finally {
    for (const s of byLayer.values()) s.restore();
  }
  const preds = Array.isArray(out) ? out : [out];
  const logits = skips.map((s) => s?.skipped() === true);
  const probs: Tensor[] = [];
  return { preds, logits, probs: (i) => (probs[i] ??= logits[i] ? tf.softmax(preds[i] as Tensor) : (preds[i] as Tensor)) };
}
