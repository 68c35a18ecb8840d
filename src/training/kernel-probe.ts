/**
 * Kernels the backend in use lacks, found before training rather than as TF.js's "Kernel 'X' not
 * registered for backend 'Y'" once an epoch has started (or at its evaluation). Each layer (a nested
 * model's too) runs on a batch of one — zeros of its input shape, its spatial dimensions cut to 8 at
 * most (a kernel's name does not depend on them; its cost does: cpu's convolution gradients are plain
 * JS, 3.2–3.9 s of CPU for the reference CNN at full size, 0.75–0.9 s so), at full size again where the cut
 * shape fails otherwise (a Reshape to a fixed size) — twice:
 *
 *   training mode, forward and backward (what a step runs; the forward pass alone when no gradient
 *     flows through the layer):  ∂ sum(layer(0)) / ∂(its trainable weights, and its inputs unless only
 *     input layers feed it) — a Dropout's mask, a GaussianNoise's noise, a BatchNormalization's batch
 *     statistics
 *   inference mode, forward (what evaluation runs): a BatchNormalization's moving statistics
 *
 * Its random draws come from a fixed seed, and whatever the pass assigns (a BatchNormalization's
 * moving statistics) is put back; a stateful layer is skipped (its pass would move its state). The
 * first missing kernel becomes a UsageError naming the layer, the kernel and the registered backends
 * that have it. Any other error of the probe is left for training to meet.
 *
 * @example
 * await tf.setBackend('wasm');
 * checkKernels(model)   // a layer `ein` of class EinsumScale whose call is tf.einsum('ij,j->ij', x, gain)
 * // throws: layer ein (EinsumScale) cannot be trained on backend wasm: its step needs TF.js kernel 'Einsum', which this backend does not have; backends that have it: cpu …
 */
import { UsageError } from '../errors.ts';
import { takesGradient } from '../model/index.ts';
import { tf } from '../tf.ts';
import { withSeededRandom } from './seeded-random.ts';

const MISSING = /Kernel '([^']+)' not registered for backend '([^']+)'/;

/** Every layer of `model` that is not itself a model, nested ones' included, with its path. */
function leaves(model: tf.LayersModel, prefix = ''): { layer: tf.layers.Layer; path: string }[] {
  return model.layers.flatMap((layer) =>
    layer instanceof tf.LayersModel ? leaves(layer, `${prefix}${layer.name}/`) : [{ layer, path: `${prefix}${layer.name}` }],
  );
}

/**
 * The kernel `layer`'s pass in `mode` lacks on the backend in use, or undefined: in training mode
 * its forward and backward pass (what a step runs; its forward alone when no gradient flows through
 * it), in inference mode its forward pass (what evaluation runs).
 */
function missingKernel(layer: tf.layers.Layer, mode: 'training' | 'inference'): string | undefined {
  const node = layer.inboundNodes[0];
  // An input layer has nothing to run; a stateful one's pass would move its state.
  if (!node || node.inboundLayers.length === 0 || (layer as { stateful?: boolean }).stateful) return undefined;
  const shapes = (Array.isArray(node.inputShapes[0]) || node.inputShapes.length === 0 ? node.inputShapes : [node.inputShapes]) as tf.Shape[];
  const full = shapes.map((s) => s.map((d) => d ?? 1));
  const small = full.map(smaller);
  const first = probe(layer, mode, small);
  // Another error at the smaller size (a layer whose weights or reshape need its full size): at its full size.
  return first.failed && first.kernel === undefined && small.some((s, i) => s.some((d, j) => d !== full[i]![j]))
    ? probe(layer, mode, full).kernel
    : first.kernel;
}

/** The spatial sizes a probe runs at, at most: a kernel's name does not depend on them, its cost on cpu (plain JS) does. */
const SPATIAL = 8;

/**
 * A shape with its spatial dimensions (all but the first and the last, of a shape of rank 4 or more) cut to `SPATIAL`:
 * the reference CNN's conv2d_2 [1, 26, 26, 32] ─► [1, 8, 8, 32].
 */
function smaller(shape: number[]): number[] {
  return shape.length < 4 ? shape : shape.map((d, j) => (j > 0 && j < shape.length - 1 ? Math.min(d, SPATIAL) : d));
}

/** `layer`'s pass in `mode` on zeros of `shapes`: whether it failed, and the kernel it found missing. */
function probe(layer: tf.layers.Layer, mode: 'training' | 'inference', shapes: number[][]): { failed: boolean; kernel?: string } {
  const node = layer.inboundNodes[0]!;
  const inputs = shapes.map((s) => tf.tidy(() => tf.variable(tf.zeros(s))));
  // A step takes no gradient with respect to the data: not for a layer fed by input layers only.
  const fedByData = node.inboundLayers.every((l) => l.getClassName() === 'InputLayer');
  const wrt = mode === 'inference' ? [] : [...(fedByData ? [] : inputs), ...layer.trainableWeights.filter(takesGradient).map((w) => w.read() as tf.Variable)];
  // What the pass may assign (a BatchNormalization's moving statistics, in training), put back after it.
  const weights = layer.weights.map((w) => w.read() as tf.Variable);
  const saved = weights.map((w) => tf.clone(w));
  try {
    // Random layers draw from a fixed seed: the probe takes nothing from Math.random.
    withSeededRandom(0, () =>
      tf.tidy(() => {
        const f = () => {
          const out = layer.apply(inputs.length === 1 ? inputs[0]! : inputs, { training: mode === 'training' }) as tf.Tensor | tf.Tensor[];
          return tf.addN([out].flat().map((t) => tf.sum(tf.cast(t, 'float32')))) as tf.Scalar;
        };
        if (wrt.length > 0) tf.variableGrads(f, wrt);
        else f();
      }),
    );
    return { failed: false };
  } catch (e) {
    dropTape();
    return { failed: true, kernel: MISSING.exec(e instanceof Error ? e.message : '')?.[1] };
  } finally {
    weights.forEach((w, i) => {
      if (w.dataId !== saved[i]!.dataId) w.assign(saved[i]!);
    });
    tf.dispose([...inputs, ...saved]);
  }
}

/**
 * Frees what TF.js's gradient code kept for a backward pass that threw: the tensors each recorded
 * op saved for it (kept, so no tidy frees them), which TF.js frees only when the backward pass ends
 * (tfjs-core engine.ts, `gradients`); left, they were 6 tensors for an Embedding refused on a wasm
 * without its gradient's kernel (UnsortedSegmentSum).
 */
export function dropTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = null as unknown as typeof state.activeTape;
}

/** The registered backends that have kernel `name`. */
function backendsWith(name: string): string[] {
  return Object.keys(tf.engine().registryFactory).filter((b) => tf.getKernel(name, b) !== undefined);
}

/** A UsageError when a layer of `model` needs a kernel the backend in use lacks (see the file's comment). */
export function checkKernels(model: tf.LayersModel): void {
  for (const { layer, path } of leaves(model)) {
    for (const mode of ['training', 'inference'] as const) {
      const kernel = missingKernel(layer, mode);
      if (kernel === undefined) continue;
      const others = backendsWith(kernel);
      throw new UsageError(
        `layer ${path} (${layer.getClassName()}) cannot be trained on backend ${tf.getBackend()}: ${mode === 'training' ? 'its step' : 'its evaluation (inference mode)'} needs TF.js kernel '${kernel}', which this backend does not have; ${others.length ? `backends that have it: ${others.join(', ')}` : 'no registered backend has it'}`,
      );
    }
  }
}
