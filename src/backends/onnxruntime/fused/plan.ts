/**
 * Whether a model (with its loss) can be trained by one fused graph, and how: a chain of layers
 * of the kinds below, one input and one output, float32, a named loss. Anything else gives the
 * reason, in one sentence, and the model trains kernel by kernel.
 *
 *   model ─► chain of layers (each fed by the one before) ─► per layer: its kind's planner
 *         ─► a final softmax before a cross-entropy (an activation, or a Softmax layer over the last
 *            axis): skipped, the loss reads the logits (as forward.ts)
 *         ─► FusedPlan { layers, weights (graph inputs, in order), loss }
 *
 * Masks: no layer of such a chain is given one when the model runs. The layers that compute masks
 * (Masking, Embedding) are not fused, and TF.js 4.22 keeps a mask passed to a functional call
 * (`softmax.apply(z, { mask })`) on the node's callArgs only: it runs a model by calling each layer
 * with the model's own kwargs, on the per-kernel path as for this plan (a test pins that).
 */
import { isRegisteredClass } from '../../../model/index.ts';
import type { tf } from '../../../tf.ts';
import { type Loss, softmaxOverLastAxis } from '../../../training/index.ts';
import { planActivation } from './layers/activation-layer.ts';
import { planConv2D } from './layers/conv2d.ts';
import { planDense } from './layers/dense.ts';
import { planDropout } from './layers/dropout.ts';
import { planGlobalAveragePooling2D, planGlobalMaxPooling2D } from './layers/global-pooling.ts';
import { configOf, type LayerEmitter, type LayerPlanner, type LayerWeight } from './layers/layer.ts';
import { planCropping2D, planZeroPadding2D } from './layers/padding.ts';
import { planAveragePooling2D, planMaxPooling2D } from './layers/pooling.ts';
import { planFlatten, planReshape } from './layers/reshape.ts';
import { planUpSampling2D } from './layers/upsampling.ts';
import { FUSED_LOSSES, type FusedLoss } from './loss.ts';
import { type GraphPenalty, graphPenalties, type TfjsPenalty } from './penalties.ts';

/** The layer kinds the fused graph expresses, by TF.js class name. */
const PLANNERS: Readonly<Record<string, LayerPlanner>> = {
  Conv2D: planConv2D,
  Dense: planDense,
  MaxPooling2D: planMaxPooling2D,
  AveragePooling2D: planAveragePooling2D,
  GlobalAveragePooling2D: planGlobalAveragePooling2D,
  GlobalMaxPooling2D: planGlobalMaxPooling2D,
  ZeroPadding2D: planZeroPadding2D,
  Cropping2D: planCropping2D,
  UpSampling2D: planUpSampling2D,
  Flatten: planFlatten,
  Reshape: planReshape,
  Dropout: planDropout,
  Activation: planActivation,
  ReLU: planActivation,
  LeakyReLU: planActivation,
  ELU: planActivation,
  Softmax: planActivation,
};

/** The layer kinds of the fused graph (for messages and docs). */
export const FUSED_LAYERS = Object.keys(PLANNERS);

/** A model planned for the fused graph: its layers' emitters, the weights they read, the loss and the penalties. */
export interface FusedPlan {
  /** Input and output shapes per sample. */
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  /** The layers, from the input, each as emitted into the graph. */
  readonly layers: readonly LayerEmitter[];
  /** Every weight the graph reads, in the model's order (graph inputs w0, w1, …). */
  readonly weights: readonly LayerWeight[];
  /** The loss in the graph, and the labels it takes. */
  readonly loss: FusedLoss;
  readonly lossName: string;
  /** The built-in penalties the graph computes (value and gradient). */
  readonly penalties: readonly GraphPenalty[];
  /** The regularizers left to TF.js (a user's penalty): autodiff adds their gradients. */
  readonly tfjsPenalties: readonly TfjsPenalty[];
  /** Whether the loss reads logits (the final softmax skipped). */
  readonly logits: boolean;
}

/** The model's layers as a chain from its input, or why they are not one. */
function chainOf(model: tf.LayersModel): tf.layers.Layer[] | string {
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    return `the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs (the fused graph takes one of each)`;
  if (model.inputs[0]!.dtype !== 'float32') return `the model's input is ${model.inputs[0]!.dtype}`;
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  let previous: tf.layers.Layer | undefined;
  for (const layer of layers) {
    const nodes = layer.inboundNodes;
    const from = nodes.length === 1 ? nodes[0]!.inboundLayers : [];
    if (nodes.length !== 1 || from.length !== 1) return `layer ${layer.name} is not fed by exactly one layer once (a branch, a merge or a shared layer)`;
    const source = from[0]!;
    if (previous ? source !== previous : source.getClassName() !== 'InputLayer')
      return `layer ${layer.name} is fed by ${source.name}, not by the layer before it (the fused graph takes a chain)`;
    previous = layer;
  }
  if (!previous) return 'the model has no layers';
  if (model.outputs[0] !== previous.output) return "the model's output is not its last layer's";
  return layers;
}

/** The model's fused plan with `loss`, or the reason it has none. */
export function planFused(model: tf.LayersModel, loss: Loss): FusedPlan | string {
  const fusedLoss = FUSED_LOSSES[loss.name];
  if (!fusedLoss) return `the loss is ${loss.name === 'custom' ? 'a function' : loss.name} (the fused graph computes the named losses)`;
  const chain = chainOf(model);
  if (typeof chain === 'string') return chain;
  const inShape = model.inputs[0]!.shape.slice(1) as Array<number | null>;
  if (inShape.some((d) => d === null)) return `the model's input shape [${inShape.map((d) => d ?? '?')}] has free dimensions`;
  const layers: LayerEmitter[] = [];
  const shape0 = inShape as number[];
  let shape = shape0;
  const last = chain.at(-1)!;
  // A cross-entropy reads the logits of a model ending in a softmax: its softmax is left out (as forward.ts).
  const lastConfig = configOf(last);
  const softmaxLayer = last.getClassName() === 'Softmax';
  const lastSoftmax = softmaxLayer ? softmaxOverLastAxis(lastConfig['axis'], (last.outputShape as unknown[]).length) : lastConfig['activation'] === 'softmax';
  const logits = loss.wantsLogits && lastSoftmax;
  for (const layer of chain) {
    const planner = PLANNERS[layer.getClassName()];
    if (!planner) return `layer ${layer.name} is a ${layer.getClassName()} (the fused graph has ${FUSED_LAYERS.join(', ')})`;
    if (!isRegisteredClass(layer))
      return `layer ${layer.name} is a ${layer.constructor.name}, a class of yours extending TF.js's ${layer.getClassName()} (the fused graph computes TF.js's own layers)`;
    if (layer === last && logits && (softmaxLayer || layer.getClassName() === 'Activation')) break;
    // The last layer's own softmax (Dense or Conv2D with activation softmax) is left out the same way.
    const emitter = planner(layer, shape, layer === last && logits ? 'linear' : undefined);
    if (typeof emitter === 'string') return emitter;
    layers.push(emitter);
    shape = [...emitter.outShape];
  }
  const expected = (last.outputShape as Array<number | null>).slice(1);
  if (expected.join() !== shape.join()) return `internal: the fused graph's output [${shape}] differs from the model's [${expected}]`;
  if (loss.name !== 'meanSquaredError' && shape.length !== 1)
    return `the model's output has shape [${shape}] per sample (a classification loss takes [classes])`;
  const weights = layers.flatMap((l) => l.weights);
  const { inGraph, rest } = graphPenalties(model);
  return { inShape: shape0, outShape: shape, layers, weights, loss: fusedLoss, lossName: loss.name, logits, penalties: inGraph, tfjsPenalties: rest };
}
