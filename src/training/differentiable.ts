/**
 * What TF.js's autodiff cannot differentiate, found before training on the per-kernel path (every
 * path but onnxruntime's fused graph) rather than as TF.js's error once an epoch has started:
 *
 *   a convolution dilated by more than 1 (Conv1D, Conv2D, Conv3D, DepthwiseConv2D, SeparableConv2D,
 *   ConvLSTM2D with `dilationRate` > 1) whose gradient a step needs: its own weights are trainable,
 *   or its input depends on a trainable weight (a layer before it, in the model or around a nested one)
 *
 * TF.js's Conv2D, Conv3D and DepthwiseConv2dNative gradients assert "dilation rates greater than 1
 * are not yet supported". A frozen dilated layer with only frozen layers before it needs no gradient
 * and trains anywhere; the fused graph (src/backends/onnxruntime/fused/) computes a dilated Conv2D's.
 *
 * @example
 * const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, dilationRate: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
 * checkDifferentiable(model, localGradients)   // throws: layer conv2d_… (Conv2D, dilation rate 2×2) cannot be trained on the per-kernel path …
 */
import { UsageError } from '../errors.ts';
import { makersOf, uniqueWeights } from '../model/index.ts';
import { tf } from '../tf.ts';
import type { GradientStrategy } from './gradients.ts';
import { checkKernels } from './kernel-probe.ts';

/** The dilation rates of the convolution `layer` runs (a wrapper's inner layer's), when one exceeds 1. */
function dilationOf(layer: tf.layers.Layer): number[] | undefined {
  for (const maker of makersOf(layer)) {
    const rate = (maker as unknown as { dilationRate?: number | readonly number[] }).dilationRate;
    const rates = rate === undefined ? [] : [rate].flat();
    if (rates.some((r) => r > 1)) return rates;
  }
  return undefined;
}

/**
 * The path of the first dilated convolution in `model` whose gradient a step needs, with its class
 * and rates; `fed`: whether the model's inputs depend on a trainable weight (a nested model's).
 */
function firstUndifferentiable(model: tf.LayersModel, trainable: ReadonlySet<tf.LayerVariable>, fed: boolean, prefix = ''): string | undefined {
  /** Whether a layer's output depends on a trainable weight. */
  const depends = new Map<tf.layers.Layer, boolean>();
  for (const layer of model.layers) {
    const inbound = layer.inboundNodes.flatMap((n) => n.inboundLayers);
    // A layer fed by nothing of this model's (its inputs) depends on what feeds the model.
    const input = inbound.length === 0 ? fed : inbound.some((l) => depends.get(l) ?? fed);
    const own = layer.weights.some((w) => trainable.has(w));
    if (layer instanceof tf.LayersModel) {
      const found = firstUndifferentiable(layer, trainable, input, `${prefix}${layer.name}/`);
      if (found) return found;
    } else {
      const rates = dilationOf(layer);
      if (rates && (own || input)) return `${prefix}${layer.name} (${layer.getClassName()}, dilation rate ${rates.join('×')})`;
    }
    depends.set(layer, input || own);
  }
  return undefined;
}

/**
 * A UsageError when `strategy` (default: this thread's) computes gradients with TF.js's autodiff
 * and `model` has a layer it cannot differentiate (see the file's comment), or a layer whose step
 * needs a kernel the backend in use lacks (`checkKernels`, kernel-probe.ts); nothing when the
 * strategy is the fused graph's.
 */
export function checkDifferentiable(model: tf.LayersModel, strategy?: GradientStrategy): void {
  if (strategy?.path === 'fused') return;
  const found = firstUndifferentiable(model, new Set(uniqueWeights(model, true)), false);
  if (!found) {
    checkKernels(model);
    return;
  }
  throw new UsageError(
    `layer ${found} cannot be trained on the per-kernel path (backend ${tf.getBackend()}): TF.js has no gradient for a convolution dilated by more than 1, which a step needs here (the layer or one before it is trainable); train the model on the onnxruntime backend, whose fused graph computes it (a chain of layers it expresses), give the layer dilation rate 1, or freeze it and every layer before it`,
  );
}
