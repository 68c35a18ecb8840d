/**
 * Activation functions in the fused training graph: the forward from the pre-activation z, and
 * the backward exactly as TF.js differentiates it (the same formula on the same saved tensor):
 *
 *   linear    y = z                     dz = dy
 *   relu      y = max(z, 0)             dz = dy·sign(y) = dy·[y > 0]     (TF.js: dy·step(x))
 *   relu6     y = min(max(z, 0), 6)     dz = dy·[z ≤ 6]·[z > 0]
 *   elu       y = z > 0 ? z : eᶻ − 1    dz = y ≥ 0 ? dy : dy·(y + 1)      (TF.js's EluGrad, on y)
 *   selu      y = s·(z > 0 ? z : α(eᶻ − 1))   dz = z > 0 ? s·dy : s·α·dy·eᶻ
 *   sigmoid   y = 1/(1 + e⁻ᶻ)           dz = dy·y·(1 − y)
 *   tanh      y = tanh z                dz = (1 − y²)·dy
 *   softplus  y = log(1 + eᶻ)           dz = dy·sigmoid(z)
 *   softmax   y = softmax(z) (last axis)   dz = dy·y − Σ(dy·y)·y           (TF.js's Softmax gradient)
 *
 * and the activations TF.js composes of other ops (tfjs-layers' activations.ts), differentiated op
 * by op as TF.js's autodiff does (σ as above, s = softplus):
 *
 *   swish        y = σ(z)·z                       dz = dy·σ + (dy·z)·σ(1 − σ)
 *   mish         y = z·tanh(s(z)), t = tanh(s)   dz = dy·t + (1 − t²)·(dy·z)·σ(z)
 *   gelu         y = z·½(1 + erf(u)), u = z/√2   dz = dy·½(1 + erf u) + (dy·z·½)·(2/√π)·e^(−u²) / √2
 *   gelu_new     y = ½·z·(1 + tanh(k·(z + c·z³))), k = √(2/π), c = 0.044715
 *                dz = (½dy)(1 + t) + (½dy)·z·(1 − t²)·k + (½dy)·z·(1 − t²)·k·c·3z²   (summed in that order)
 *   softsign     y = z/(|z| + 1)                  dz = dy/(|z| + 1) − (dy·z)/(|z| + 1)²·step(z)   (TF.js's Abs gradient: step is −1 at 0)
 *   hardSigmoid  y = clip(0.5 + 0.2·z, 0, 1)      dz = 0.2·dy·[0 ≤ 0.5 + 0.2·z ≤ 1]   (clipByValue's gradient: dy at the kinks too)
 *                e.g. z = −2.5 ─► y = 0, dz = 0.2·dy;  z = −2.6 ─► y = 0, dz = 0
 *
 * Their backward recomputes σ, t, erf u… from z. The elementwise products, sums and quotients
 * round as TF.js's (float32, in the same order); the transcendental ops are ONNX Runtime's (its Erf
 * against the cpu backend's approximation of erf, within 1.5e-7): measured, loss and gradients
 * within 1e-5 (relative) of the cpu backend's for z in [−30, 30].
 *
 * and, with a parameter (the ReLU and LeakyReLU layers' config, activation-layer.ts):
 *
 *   cappedRelu(m)   y = min(max(z, 0), m)        dz = dy·[z ≤ m]·[z > 0]   (relu6 is m = 6; TF.js: relu's step, then clipByValue's [0 ≤ r ≤ m])
 *   leakyRelu(α)    y = z < 0 ? α·z : z          dz = z > 0 ? dy : α·dy    (TF.js's LeakyRelu gradient: α·dy at z = 0 too)
 *                   e.g. α = 0.3: z = −2 ─► y = −0.6, dz = 0.3·dy;  z = 0 ─► y = 0, dz = 0.3·dy
 *
 * Anything else is not expressed here: the model takes the per-kernel path.
 */
import type { GraphBuilder } from '../../onnx/builder.ts';

/** What a layer's backward pass has of its activation: the pre-activation z and the output y. */
export interface Saved {
  readonly z: string;
  readonly y: string;
}

/** An activation in the fused graph: its forward from z and its backward as TF.js differentiates it (see the file's comment). */
export interface Activation {
  /** Its Keras name, e.g. `relu`. */
  readonly name: string;
  /** y from the pre-activation z. */
  forward(b: GraphBuilder, z: string): string;
  /** dz from dy and what the forward pass saved. */
  backward(b: GraphBuilder, dy: string, saved: Saved): string;
}

/** gelu's √2 and gelu_new's k = √(2/π) (TF.js computes sqrt(2/π) in float32) and c, as TF.js has them. */
const SQRT_TWO = Math.sqrt(2);
const GELU_NEW_K = Math.fround(Math.sqrt(Math.fround(2 / Math.fround(Math.PI))));
const GELU_NEW_C = 0.044715;

/** SELU's constants, as TF.js has them. */
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALEALPHA = 1.7580993408473768;

const mask = (b: GraphBuilder, cond: string): string => b.op('Cast', [cond], { to: 1 });

/**
 * σ(z) = 1 / (1 + e⁻ᶻ), as TF.js computes it. Not ONNX Runtime's Sigmoid, which approximates the
 * tail (measured, relative to σ: 2e-4 at z = −10, 6e-3 at −12, 0.5 at −16, and 0 below −20 where σ
 * is 2e-9): a cross-entropy of probabilities takes its log there, e.g. a loss 1e-3 off the cpu backend's.
 */
const sigmoid = (b: GraphBuilder, z: string): string => b.op('Div', [b.scalar(1), b.op('Add', [b.scalar(1), b.op('Exp', [b.op('Neg', [z])])])]);

/**
 * [y > 0] as floats, for a relu's output y: Greater and Cast, measured faster than Sign(y) (one
 * op, but a scalar loop in ONNX Runtime): dy·mask on [64, 26, 26, 32], one thread, 3.3 against
 * 4.7 ms. A NaN activation gives 0 here (its loss is NaN already: the run stops as diverged).
 */
export const reluMask = (b: GraphBuilder, y: string): string => mask(b, b.op('Greater', [y, b.scalar(0)]));

/** ReLU capped at m (m ≥ 0): see the file's comment. */
export function cappedRelu(m: number): Activation {
  return {
    name: `relu capped at ${m}`,
    forward: (b, z) => b.op('Clip', [z, b.scalar(0), b.scalar(m)]),
    backward: (b, dy, { z }) => b.op('Mul', [dy, mask(b, b.op('And', [b.op('LessOrEqual', [z, b.scalar(m)]), b.op('Greater', [z, b.scalar(0)])]))]),
  };
}

/** LeakyReLU with slope α below 0: see the file's comment. */
export function leakyRelu(alpha: number): Activation {
  return {
    name: `leaky relu ${alpha}`,
    forward: (b, z) => b.op('LeakyRelu', [z], { alpha: { f: alpha } }),
    backward: (b, dy, { z }) => b.op('Where', [b.op('Greater', [z, b.scalar(0)]), dy, b.op('Mul', [dy, b.scalar(alpha)])]),
  };
}

/** x·y and x + y, one ONNX op each: the compositions below follow TF.js's, op for op. */
const mul = (b: GraphBuilder, x: string, y: string): string => b.op('Mul', [x, y]);
const add = (b: GraphBuilder, x: string, y: string): string => b.op('Add', [x, y]);
const oneMinusSquare = (b: GraphBuilder, t: string): string => b.op('Sub', [b.scalar(1), mul(b, t, t)]);

/** gelu's u = z/√2 and ½(1 + erf u). */
function geluCdf(b: GraphBuilder, z: string): { u: string; cdf: string } {
  const u = b.op('Div', [z, b.scalar(SQRT_TWO)]);
  return { u, cdf: mul(b, b.scalar(0.5), add(b, b.scalar(1), b.op('Erf', [u]))) };
}

/** gelu_new's t = tanh(k·(z + c·z³)). */
const geluNewTanh = (b: GraphBuilder, z: string): string =>
  b.op('Tanh', [mul(b, b.scalar(GELU_NEW_K), add(b, z, mul(b, b.scalar(GELU_NEW_C), b.op('Pow', [z, b.scalar(3)]))))]);

/** hardSigmoid's 0.5 + 0.2·z, before the clip (TF.js's K.hardSigmoid). */
const hardSigmoidLinear = (b: GraphBuilder, z: string): string => add(b, b.scalar(0.5), mul(b, b.scalar(0.2), z));

/** mish's t = tanh(softplus(z)). */
const mishTanh = (b: GraphBuilder, z: string): string => b.op('Tanh', [b.op('Softplus', [z])]);

const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  linear: { name: 'linear', forward: (_b, z) => z, backward: (_b, dy) => dy },
  relu: {
    name: 'relu',
    forward: (b, z) => b.op('Relu', [z]),
    backward: (b, dy, { y }) => b.op('Mul', [dy, reluMask(b, y)]),
  },
  relu6: { ...cappedRelu(6), name: 'relu6' },
  elu: {
    name: 'elu',
    forward: (b, z) => b.op('Elu', [z], { alpha: { f: 1 } }),
    backward: (b, dy, { y }) => b.op('Where', [b.op('GreaterOrEqual', [y, b.scalar(0)]), dy, b.op('Mul', [dy, b.op('Add', [y, b.scalar(1)])])]),
  },
  selu: {
    name: 'selu',
    forward: (b, z) => b.op('Selu', [z], { alpha: { f: SELU_SCALEALPHA / SELU_SCALE }, gamma: { f: SELU_SCALE } }),
    backward: (b, dy, { z }) =>
      b.op('Where', [
        b.op('Greater', [z, b.scalar(0)]),
        b.op('Mul', [dy, b.scalar(SELU_SCALE)]),
        b.op('Mul', [b.op('Mul', [dy, b.scalar(SELU_SCALEALPHA)]), b.op('Exp', [z])]),
      ]),
  },
  sigmoid: {
    name: 'sigmoid',
    forward: sigmoid,
    backward: (b, dy, { y }) => b.op('Mul', [dy, b.op('Mul', [y, b.op('Sub', [b.scalar(1), y])])]),
  },
  tanh: {
    name: 'tanh',
    forward: (b, z) => b.op('Tanh', [z]),
    backward: (b, dy, { y }) => b.op('Mul', [b.op('Sub', [b.scalar(1), b.op('Mul', [y, y])]), dy]),
  },
  softplus: {
    name: 'softplus',
    forward: (b, z) => b.op('Softplus', [z]),
    backward: (b, dy, { z }) => b.op('Mul', [dy, sigmoid(b, z)]),
  },
  swish: {
    name: 'swish',
    forward: (b, z) => mul(b, sigmoid(b, z), z),
    backward: (b, dy, { z }) => {
      const s = sigmoid(b, z);
      return add(b, mul(b, dy, s), mul(b, mul(b, dy, z), mul(b, s, b.op('Sub', [b.scalar(1), s]))));
    },
  },
  mish: {
    name: 'mish',
    forward: (b, z) => mul(b, z, mishTanh(b, z)),
    backward: (b, dy, { z }) => {
      const t = mishTanh(b, z);
      return add(b, mul(b, dy, t), mul(b, mul(b, oneMinusSquare(b, t), mul(b, dy, z)), sigmoid(b, z)));
    },
  },
  gelu: {
    name: 'gelu',
    forward: (b, z) => mul(b, z, geluCdf(b, z).cdf),
    backward: (b, dy, { z }) => {
      const { u, cdf } = geluCdf(b, z);
      const dErf = mul(b, mul(b, dy, z), b.scalar(0.5));
      const erfSlope = mul(b, b.op('Exp', [b.op('Neg', [mul(b, u, u)])]), b.scalar(2 / Math.sqrt(Math.PI)));
      return add(b, mul(b, dy, cdf), b.op('Div', [mul(b, dErf, erfSlope), b.scalar(SQRT_TWO)]));
    },
  },
  gelu_new: {
    name: 'gelu_new',
    forward: (b, z) => mul(b, b.scalar(0.5), mul(b, z, add(b, b.scalar(1), geluNewTanh(b, z)))),
    backward: (b, dy, { z }) => {
      const t = geluNewTanh(b, z);
      const half = mul(b, dy, b.scalar(0.5));
      const dInner = mul(b, mul(b, oneMinusSquare(b, t), mul(b, half, z)), b.scalar(GELU_NEW_K));
      const dCube = mul(b, mul(b, dInner, b.scalar(GELU_NEW_C)), mul(b, b.scalar(3), b.op('Pow', [z, b.scalar(2)])));
      return add(b, add(b, mul(b, half, add(b, b.scalar(1), t)), dInner), dCube);
    },
  },
  softsign: {
    name: 'softsign',
    forward: (b, z) => b.op('Div', [z, add(b, b.op('Abs', [z]), b.scalar(1))]),
    backward: (b, dy, { z }) => {
      const d = add(b, b.op('Abs', [z]), b.scalar(1));
      const dAbs = b.op('Neg', [b.op('Div', [mul(b, dy, z), mul(b, d, d)])]);
      const step = b.op('Where', [b.op('Greater', [z, b.scalar(0)]), b.scalar(1), b.scalar(-1)]);
      return add(b, b.op('Div', [dy, d]), mul(b, dAbs, step));
    },
  },
  hardSigmoid: {
    name: 'hardSigmoid',
    forward: (b, z) => b.op('Clip', [hardSigmoidLinear(b, z), b.scalar(0), b.scalar(1)]),
    backward: (b, dy, { z }) => {
      const u = hardSigmoidLinear(b, z);
      const inside = b.op('And', [b.op('GreaterOrEqual', [u, b.scalar(0)]), b.op('LessOrEqual', [u, b.scalar(1)])]);
      return mul(b, mul(b, dy, mask(b, inside)), b.scalar(0.2));
    },
  },
  softmax: {
    name: 'softmax',
    forward: (b, z) => b.op('Softmax', [z], { axis: -1 }),
    backward: (b, dy, { y }) => {
      const dyY = b.op('Mul', [dy, y]);
      return b.op('Sub', [dyY, b.op('Mul', [b.op('ReduceSum', [dyY, b.ints([-1])], { keepdims: 1 }), y])]);
    },
  },
};

/** The activation of a layer config's `activation` name, or undefined when the graph does not express it. */
export function activationOf(name: string | undefined): Activation | undefined {
  const key = name ?? 'linear';
  // Own entries only: a name such as `constructor` is not an activation of the graph.
  return Object.hasOwn(ACTIVATIONS, key) ? ACTIVATIONS[key] : undefined;
}

/** Names of the activations the fused graph expresses. */
export const FUSED_ACTIVATIONS = Object.keys(ACTIVATIONS);
