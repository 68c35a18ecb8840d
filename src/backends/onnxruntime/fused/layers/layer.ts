/**
 * What every layer kind of the fused training graph provides: from a TF.js layer, either a
 * reason it cannot be expressed, or an emitter of its forward pass whose result carries the
 * emitter of its backward pass:
 *
 *   plan(layer, inputShape) ─► LayerEmitter | reason
 *   emitter.forward(b, x, ctx) ─► { y, backward(b, dy, needDx) ─► dx (and the weights' gradients via ctx) }
 *
 * Shapes here are per sample (no batch axis); graph values carry the batch `ctx.n` first.
 */
import type { tf } from '../../../../tf.ts';
import type { GraphBuilder } from '../../onnx/builder.ts';

/** A TF.js layer weight (its `read()` is the variable). */
export type LayerWeight = tf.LayerVariable;

/** What an emitter may ask of the graph being built. */
export interface EmitContext {
  /** Samples per run (the batch axis of every value). */
  readonly n: number;
  /** Training graph (dropout on, gradients wanted) or evaluation graph. */
  readonly training: boolean;
  /** The graph input holding a weight's values. */
  weight(w: LayerWeight): string;
  /** Record a weight's gradient (ignored for weights that are not trained). */
  gradient(w: LayerWeight, value: string): void;
  /** Whether the weight's gradient is wanted. */
  trains(w: LayerWeight): boolean;
  /** An extra float32 graph input of the layer (e.g. a dropout multiplier), named afresh; `fill` computes it per run. */
  input(shape: readonly number[], fill: ExtraInput): string;
}

/** How an extra input is filled before each run: its values for `n` real samples (the caller pads). */
export type ExtraInput = (n: number) => tf.Tensor;

/**
 * A layer's backward pass: dx from dy (undefined when not `needDx`); the weights' gradients go to
 * the context. `tail` (a gating backward's dx, a gated backward's dy; see `takesTail`): the
 * gradient as [n·h + 1, w, c], the batch's n images stacked and one row of zeros after them.
 */
export type Backward = (b: GraphBuilder, dy: string, needDx: boolean, tail?: boolean) => string | undefined;

/** A layer's forward pass emitted: its output, and the emitter of its backward pass. */
export interface Emitted {
  readonly y: string;
  readonly backward: Backward;
  /**
   * For a layer whose output is relu(z): its backward from a dy that is already 0 wherever the
   * output is 0 (the relu's own mask left out).
   */
  readonly gatedBackward?: Backward;
  /**
   * For a layer whose input is a relu's output (≥ 0) and whose dx is 0 wherever that input is 0
   * once dy is gated by its own output's sign (max pooling): that backward, so the layer below
   * may leave its relu mask out (a pass over its whole output saved).
   */
  readonly gatingBackward?: Backward;
  /**
   * Whether the gated backward takes dy with a row of zeros after the batch (`tail`): where it
   * would copy dy to append one (a Winograd input gradient's padding reads zeros there).
   */
  readonly takesTail?: boolean;
}

/** One layer planned for the fused graph: its output shape, the weights it reads, and its forward pass (which returns its backward). */
export interface LayerEmitter {
  /** Output shape per sample. */
  readonly outShape: readonly number[];
  /** The weights this layer reads, in the layer's order. */
  readonly weights: readonly LayerWeight[];
  /** Emit its forward pass on `x` into `b`. */
  forward(b: GraphBuilder, x: string, ctx: EmitContext): Emitted;
}

/**
 * A layer kind: its emitter for a layer with inputs of `inShape` per sample, or a reason (a
 * sentence) why the graph cannot express it. `activation` replaces the layer's own (a final
 * softmax left out when the loss reads logits).
 */
export type LayerPlanner = (layer: tf.layers.Layer, inShape: readonly number[], activation?: string) => LayerEmitter | string;

/** The layer's config, as TF.js serialises it. */
export function configOf(layer: tf.layers.Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>;
}

/** A number or a pair of numbers as a pair. */
export function pair(v: unknown): [number, number] | undefined {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((d) => typeof d === 'number')) return [v[0] as number, v[1] as number];
  return undefined;
}
