/**
 * The fused graph of a plan for a batch of n samples: the forward pass of every layer, the loss,
 * and (for training) the backward pass of every layer, in one ONNX graph:
 *
 *   inputs   x [n, …in], labels [n, …], mask [n] (1 for a sample, 0 for padding), scale [] (1 / samples),
 *            w0 … (every weight the layers read), e0 … (per-step inputs: dropout multipliers)
 *   forward  x ─► layer 1 ─► … ─► layer L ─► out (logits when the final softmax is left out)
 *   probs    (evaluation only) the outputs: softmax(out) when out are logits, else out  [n, …out];
 *            fetched only when asked for (runner.ts), its argmax counted by `correct` either way
 *   loss     out, labels ─► loss_sum = Σ mask·loss,  correct = Σ mask·[right]  (right: on the argmax of
 *            the model's outputs, softmax(out) when out are logits — probs in an evaluation)
 *   backward dOut ─► layer L's backward ─► … ─► layer 1's (no dx there)  ─► g0 … (trained weights' gradients)
 *   penalty  the built-in penalties (penalties.ts): penalty = Σ λ·φ(w), λ·φ'(w) added to the gradients
 *            (a proximal-mode penalty's value only)
 *
 * The gradients are those of scale·Σ mask·loss: a batch padded to n gives exactly the gradient of
 * its real samples.
 */
import { GraphBuilder } from '../onnx/builder.ts';
import type { GraphSpec, ValueSpec } from '../onnx/model.ts';
import type { EmitContext, Emitted, ExtraInput, LayerWeight } from './layers/layer.ts';
import type { FusedPlan } from './plan.ts';

/** A per-step graph input: its shape (batch first when it has one) and how to fill it. */
export interface ExtraSpec {
  readonly shape: readonly number[];
  readonly fill: ExtraInput;
}

/** A plan's graph for batches of n (see the file's comment), with the order of its weight, per-step and gradient slots. */
export interface FusedGraph {
  readonly spec: GraphSpec;
  /** Samples per run (a smaller batch runs padded). */
  readonly n: number;
  /** With the backward pass and gradients, or forward and loss only (evaluation). */
  readonly training: boolean;
  /** The weights fed as w0, w1, … */
  readonly weights: readonly LayerWeight[];
  /** The per-step inputs e0, e1, … */
  readonly extras: readonly ExtraSpec[];
  /** The weights whose gradients are the outputs g0, g1, … (after loss_sum, correct and penalty; an evaluation graph's `probs` in their place). */
  readonly gradients: readonly LayerWeight[];
}

const prod = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);

/**
 * The graph of `plan` for n samples with labels of `labelShape` per sample; `trains(w)` says which
 * weights get gradients; `penalties` false leaves the built-in penalties out (a data-parallel shard
 * other than the first).
 */
export function fusedGraph(
  plan: FusedPlan,
  n: number,
  labelShape: readonly number[],
  training: boolean,
  trains: (w: LayerWeight) => boolean,
  penalties = true,
): FusedGraph {
  const b = new GraphBuilder('v');
  const extras: ExtraSpec[] = [];
  const grads = new Map<LayerWeight, string>();
  const weightName = new Map(plan.weights.map((w, i) => [w, `w${i}`]));
  const ctx: EmitContext = {
    n,
    training,
    weight: (w) => {
      const name = weightName.get(w);
      if (!name) throw new Error(`internal: weight ${w.originalName} is not one of the plan's`);
      return name;
    },
    gradient: (w, value) => {
      if (training && trains(w)) grads.set(w, value);
    },
    trains: (w) => training && trains(w),
    input: (shape, fill) => {
      extras.push({ shape, fill });
      return `e${extras.length - 1}`;
    },
  };

  let value = 'x';
  const emitted: Emitted[] = [];
  for (const layer of plan.layers) {
    const e = layer.forward(b, value, ctx);
    emitted.push(e);
    value = e.y;
  }
  const width = prod(plan.outShape);
  // The outputs as the model gives them (the softmax of the logits where the loss took them): the
  // correct count is taken on their argmax, in training as in an evaluation (whose `probs` they
  // are), so the accuracy is exactly theirs, as on the cpu backend (logits 0 and 1e-10 tie at 0.5).
  const probsName = training ? undefined : 'probs';
  const predictions = plan.logits ? b.op('Softmax', [value], { axis: -1 }, probsName) : probsName && b.op('Identity', [value], undefined, probsName);
  const loss = plan.loss.emit(b, { out: value, labels: 'labels', mask: 'mask', scale: 'scale', n, width, logits: plan.logits, training, predictions });
  b.op('Identity', [loss.lossSum], undefined, 'loss_sum');
  b.op('Identity', [loss.correct], undefined, 'correct');

  if (training) {
    // dx is wanted below a layer only while some layer further down has a trained weight.
    const below = plan.layers.map((_, i) => plan.layers.slice(0, i).some((l) => l.weights.some((w) => trains(w))));
    let dy: string | undefined = b.reshape(loss.dOut!, [n, ...plan.outShape]);
    let gated = false;
    let tailed = false;
    for (let i = emitted.length - 1; i >= 0 && dy !== undefined; i--) {
      const e = emitted[i]!;
      // A relu layer under a max pooling: the pooling gates dy (on its small output), the relu's mask is left out.
      const gate = e.gatingBackward !== undefined && i > 0 && emitted[i - 1]!.gatedBackward !== undefined && below[i]!;
      // …and hands it dy with the row of zeros it would append (a copy saved) when it takes one.
      const tail = gate && emitted[i - 1]!.takesTail === true;
      dy = gated ? e.gatedBackward!(b, dy, below[i]!, tailed) : gate ? e.gatingBackward!(b, dy, below[i]!, tail) : e.backward(b, dy, below[i]!);
      gated = gate;
      tailed = tail;
    }
  }
  // The built-in penalties: λ·Σφ(w) into `penalty`, λ·φ'(w) added to the trained weights' gradients
  // (not for a penalty in proximal mode: the step applies its proximal operator instead).
  const values: string[] = [];
  if (training && penalties) {
    for (const p of plan.penalties) {
      const size = (p.weight.shape as number[]).reduce((a, d) => a * d, 1);
      const { value, grad } = p.graph(b, ctx.weight(p.weight), p.params, size);
      const lambda = b.scalar(p.strength);
      values.push(b.op('Mul', [lambda, value]));
      const data = grads.get(p.weight);
      if (data && !p.proximal) grads.set(p.weight, b.op('Add', [data, b.op('Mul', [lambda, grad()])]));
    }
  }
  b.op(values.length === 0 ? 'Identity' : 'Sum', values.length === 0 ? [b.scalar(0)] : values, undefined, 'penalty');
  const gradients = plan.weights.filter((w) => grads.has(w));
  gradients.forEach((w, i) => b.op('Identity', [grads.get(w)!], undefined, `g${i}`));

  const inputs: ValueSpec[] = [
    { name: 'x', shape: [n, ...plan.inShape] },
    { name: 'labels', shape: [n, ...labelShape] },
    { name: 'mask', shape: [n] },
    { name: 'scale', shape: [] },
    ...plan.weights.map((w, i) => ({ name: `w${i}`, shape: w.shape as number[] })),
    ...extras.map((e, i) => ({ name: `e${i}`, shape: e.shape })),
  ];
  const outputs: ValueSpec[] = [
    { name: 'loss_sum', shape: [] },
    { name: 'correct', shape: [] },
    { name: 'penalty', shape: [] },
    ...(training ? [] : [{ name: 'probs', shape: [n, ...plan.outShape] }]),
    ...gradients.map((w, i) => ({ name: `g${i}`, shape: w.shape as number[] })),
  ];
  return { spec: b.graph(inputs, outputs, true), n, training, weights: plan.weights, extras, gradients };
}
