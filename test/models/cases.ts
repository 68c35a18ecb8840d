/**
 * The conformance table: small models of every kind the library must handle, each with a mix of
 * penalties (this library's built-ins, a user's, TF.js's own) and constraints on different weights,
 * and — for checking by hand — what each penalty adds and what each constraint guarantees, stated
 * here independently of the library (by weight name and formula).
 */
import { constraint, definePenalty, type LossOption, penalty, type Tensors, tf } from '../../src/index.ts';

// A user's penalty: λ·Σ|w|³, defined as a user would.
definePenalty({ name: 'conf_cubic', formula: 'Σ|w|³', fn: (w) => tf.mul(tf.abs(w), tf.square(w)) });

/** What a penalty adds for one weight tensor, by hand (float64). */
export type ByHand = (w: Float32Array) => number;
const sum = (w: Float32Array, f: (x: number) => number) => w.reduce((s, x) => s + f(x), 0);
export const L1 =
  (l: number): ByHand =>
  (w) =>
    l * sum(w, Math.abs);
export const L2 =
  (l: number): ByHand =>
  (w) =>
    l * sum(w, (x) => x * x);
export const L1L2 =
  (l: number, a: number, b: number): ByHand =>
  (w) =>
    l * (a * sum(w, Math.abs) + b * sum(w, (x) => x * x));
export const DEADZONE =
  (l: number, a: number): ByHand =>
  (w) =>
    l * sum(w, (x) => Math.max(0, Math.abs(x) - a));
export const CUBIC =
  (l: number): ByHand =>
  (w) =>
    l * sum(w, (x) => Math.abs(x) ** 3);

/** The norms of the slices of a row-major tensor taken over `axes` (the others index the slices). */
export function sliceNorms(w: Float32Array, shape: readonly number[], axes: readonly number[]): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const sums = new Map<number, number>();
  for (let i = 0; i < w.length; i++) {
    const key = kept.reduce((k, a) => k * (shape[a] ?? 1) + (Math.floor(i / (strides[a] ?? 1)) % (shape[a] ?? 1)), 0);
    sums.set(key, (sums.get(key) ?? 0) + (w[i] as number) ** 2);
  }
  return [...sums.values()].map(Math.sqrt);
}

/** How far a weight is outside what its constraint guarantees (0 when it holds), by hand. */
export type Holds = (w: Float32Array, shape: readonly number[]) => number;
export const MAXNORM =
  (m: number, axes: readonly number[] = [0]): Holds =>
  (w, shape) =>
    Math.max(0, ...sliceNorms(w, shape, axes).map((n) => n - m * (1 + 1e-5)));
export const UNITNORM =
  (axes: readonly number[] = [0]): Holds =>
  (w, shape) =>
    Math.max(0, ...sliceNorms(w, shape, axes).map((n) => Math.abs(n - 1) - 1e-4));
export const NONNEG: Holds = (w) => Math.max(0, ...Array.from(w, (x) => -x));

export interface ModelCase {
  readonly name: string;
  readonly build: () => tf.LayersModel;
  readonly data: () => { x: Tensors; y: Tensors };
  readonly loss?: LossOption;
  /** Every penalised weight (by name) with its spec as the record names it and its value by hand. */
  readonly penalties: ReadonlyArray<{ readonly weight: RegExp; readonly spec: string; readonly byHand: ByHand }>;
  /** Every constrained weight with its spec and what it guarantees. */
  readonly constraints: ReadonlyArray<{ readonly weight: RegExp; readonly spec: string; readonly holds: Holds }>;
  /** Also checked for resuming from a run folder and for drawing its figures and report (a representative few). */
  readonly heavy?: boolean;
}

// TF.js types a norm constraint's axis as one number; its code takes several (as Keras does).
const N = 16;
const classes = (k: number) =>
  tf.tensor1d(
    Array.from({ length: N }, (_, i) => i % k),
    'float32',
  );
const uniform = (shape: number[], seed: number) => tf.randomUniform([N, ...shape], -1, 1, 'float32', seed);
const tokens = (len: number, vocab: number) =>
  tf.tensor2d(
    Array.from({ length: N * len }, (_, i) => (i * 7 + Math.floor(i / len)) % vocab),
    [N, len],
    'int32',
  );
const sym = (l: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => l.apply(x) as tf.SymbolicTensor;
const dense = (name: string, units: number, extra: Parameters<typeof tf.layers.dense>[0] = { units }) => tf.layers.dense({ ...extra, name, units });
const head = (name = 'head', k = 3) => dense(name, k, { units: k, activation: 'softmax' });

export const CASES: readonly ModelCase[] = [
  {
    name: 'Sequential MLP',
    heavy: true,
    build: () =>
      tf.sequential({
        layers: [
          dense('mlp_a', 8, {
            units: 8,
            inputShape: [5],
            activation: 'relu',
            kernelRegularizer: penalty('l1:1e-3'),
            kernelConstraint: constraint('maxnorm:m=1.2'),
          }),
          dense('mlp_b', 6, { units: 6, activation: 'relu', kernelRegularizer: tf.regularizers.l2({ l2: 2e-3 }), biasConstraint: tf.constraints.nonNeg() }),
          dense('mlp_out', 3, { units: 3, activation: 'softmax', kernelRegularizer: penalty('conf_cubic:1e-2') }),
        ],
      }),
    data: () => ({ x: uniform([5], 1), y: classes(3) }),
    penalties: [
      { weight: /^mlp_a\/kernel$/, spec: 'l1:0.001', byHand: L1(1e-3) },
      { weight: /^mlp_b\/kernel$/, spec: 'tfjs.L1L2:l1=0,l2=0.002', byHand: L2(2e-3) },
      { weight: /^mlp_out\/kernel$/, spec: 'conf_cubic:0.01', byHand: CUBIC(1e-2) },
    ],
    constraints: [
      { weight: /^mlp_a\/kernel$/, spec: 'maxnorm:m=1.2,axis=0', holds: MAXNORM(1.2) },
      { weight: /^mlp_b\/bias$/, spec: 'tfjs.NonNeg', holds: NONNEG },
    ],
  },
  {
    name: 'reference CNN (small images)',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({
            name: 'ref_c1',
            inputShape: [12, 12, 1],
            filters: 8,
            kernelSize: 3,
            activation: 'relu',
            kernelRegularizer: penalty('deadzone:1e-3,a=0.1'),
          }),
          tf.layers.conv2d({
            name: 'ref_c2',
            filters: 8,
            kernelSize: 3,
            activation: 'relu',
            kernelRegularizer: penalty('deadzone:1e-3,a=0.1'),
            kernelConstraint: constraint('maxnorm:m=1,axis=0+1+2'),
          }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ name: 'ref_c3', filters: 8, kernelSize: 3, activation: 'relu', kernelRegularizer: tf.regularizers.l1({ l1: 1e-3 }) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          dense('ref_d1', 8, { units: 8, activation: 'relu', kernelRegularizer: penalty('l2:1e-3') }),
          head('ref_out', 3),
        ],
      }),
    data: () => ({ x: tf.randomUniform([N, 12, 12, 1], 0, 1, 'float32', 2), y: classes(3) }),
    penalties: [
      { weight: /^ref_c1\/kernel$/, spec: 'deadzone:0.001,a=0.1', byHand: DEADZONE(1e-3, 0.1) },
      { weight: /^ref_c2\/kernel$/, spec: 'deadzone:0.001,a=0.1', byHand: DEADZONE(1e-3, 0.1) },
      { weight: /^ref_c3\/kernel$/, spec: 'tfjs.L1L2:l1=0.001,l2=0', byHand: L1(1e-3) },
      { weight: /^ref_d1\/kernel$/, spec: 'l2:0.001', byHand: L2(1e-3) },
    ],
    constraints: [{ weight: /^ref_c2\/kernel$/, spec: 'maxnorm:m=1,axis=0+1+2', holds: MAXNORM(1, [0, 1, 2]) }],
  },
  {
    name: 'functional two-branch',
    build: () => {
      const input = tf.input({ shape: [6] });
      const a = sym(dense('br_a', 4, { units: 4, activation: 'relu', kernelRegularizer: penalty('deadzone:1e-2,a=0.2') }), input);
      const b = sym(
        dense('br_b', 4, {
          units: 4,
          activation: 'tanh',
          kernelRegularizer: tf.regularizers.l1l2({ l1: 1e-3, l2: 1e-3 }),
          kernelConstraint: tf.constraints.unitNorm({ axis: 0 }),
        }),
        input,
      );
      const joined = sym(tf.layers.concatenate(), [a, b]);
      return tf.model({ inputs: input, outputs: sym(head('br_out'), joined) });
    },
    data: () => ({ x: uniform([6], 3), y: classes(3) }),
    penalties: [
      { weight: /^br_a\/kernel$/, spec: 'deadzone:0.01,a=0.2', byHand: DEADZONE(1e-2, 0.2) },
      { weight: /^br_b\/kernel$/, spec: 'tfjs.L1L2:l1=0.001,l2=0.001', byHand: L1L2(1, 1e-3, 1e-3) },
    ],
    constraints: [{ weight: /^br_b\/kernel$/, spec: 'tfjs.UnitNorm:axis=0', holds: UNITNORM([0]) }],
  },
  {
    name: 'Embedding + Conv1D',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.embedding({
            name: 'emb',
            inputDim: 11,
            outputDim: 4,
            inputLength: 8,
            embeddingsRegularizer: penalty('l2:1e-2'),
            embeddingsConstraint: constraint('maxnorm:m=1,axis=1'),
          }),
          tf.layers.conv1d({
            name: 'emb_conv',
            filters: 5,
            kernelSize: 3,
            activation: 'relu',
            kernelRegularizer: penalty('conf_cubic:1e-2'),
            kernelConstraint: tf.constraints.maxNorm({ maxValue: 1.5, axis: [0, 1] as unknown as number }),
          }),
          tf.layers.globalMaxPooling1d(),
          head('emb_out'),
        ],
      }),
    data: () => ({ x: tokens(8, 11), y: classes(3) }),
    penalties: [
      { weight: /^emb\/embeddings$/, spec: 'l2:0.01', byHand: L2(1e-2) },
      { weight: /^emb_conv\/kernel$/, spec: 'conf_cubic:0.01', byHand: CUBIC(1e-2) },
    ],
    constraints: [
      { weight: /^emb\/embeddings$/, spec: 'maxnorm:m=1,axis=1', holds: MAXNORM(1, [1]) },
      { weight: /^emb_conv\/kernel$/, spec: 'tfjs.MaxNorm:maxValue=1.5,axis=0,1', holds: MAXNORM(1.5, [0, 1]) },
    ],
  },
  {
    name: 'GRU',
    heavy: true,
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.gru({
            name: 'gru',
            units: 4,
            inputShape: [5, 3],
            kernelRegularizer: penalty('deadzone:1e-2,a=0.1'),
            recurrentRegularizer: tf.regularizers.l1({ l1: 1e-3 }),
            recurrentConstraint: constraint('maxnorm:m=1.5'),
          }),
          head('gru_out'),
        ],
      }),
    data: () => ({ x: uniform([5, 3], 4), y: classes(3) }),
    penalties: [
      { weight: /^gru\/kernel$/, spec: 'deadzone:0.01,a=0.1', byHand: DEADZONE(1e-2, 0.1) },
      { weight: /^gru\/recurrent_kernel$/, spec: 'tfjs.L1L2:l1=0.001,l2=0', byHand: L1(1e-3) },
    ],
    constraints: [{ weight: /^gru\/recurrent_kernel$/, spec: 'maxnorm:m=1.5,axis=0', holds: MAXNORM(1.5) }],
  },
  {
    name: 'LSTM',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.lstm({
            name: 'lstm',
            units: 3,
            inputShape: [4, 3],
            kernelRegularizer: penalty('l1:1e-3'),
            recurrentRegularizer: penalty('l2:1e-3'),
            biasRegularizer: penalty('l2:1e-2'),
            kernelConstraint: constraint('nonneg'),
          }),
          head('lstm_out'),
        ],
      }),
    data: () => ({ x: uniform([4, 3], 5), y: classes(3) }),
    penalties: [
      { weight: /^lstm\/kernel$/, spec: 'l1:0.001', byHand: L1(1e-3) },
      { weight: /^lstm\/recurrent_kernel$/, spec: 'l2:0.001', byHand: L2(1e-3) },
      { weight: /^lstm\/bias$/, spec: 'l2:0.01', byHand: L2(1e-2) },
    ],
    constraints: [{ weight: /^lstm\/kernel$/, spec: 'nonneg', holds: NONNEG }],
  },
  {
    name: 'Bidirectional LSTM',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.bidirectional({
            name: 'bi',
            inputShape: [4, 3],
            layer: tf.layers.lstm({ units: 2, kernelRegularizer: penalty('l1:1e-2'), recurrentConstraint: tf.constraints.maxNorm({ maxValue: 1 }) }) as tf.RNN,
          }),
          head('bi_out'),
        ],
      }),
    data: () => ({ x: uniform([4, 3], 6), y: classes(3) }),
    penalties: [
      { weight: /^bi\/forward_.*\/kernel$/, spec: 'l1:0.01', byHand: L1(1e-2) },
      { weight: /^bi\/backward_.*\/kernel$/, spec: 'l1:0.01', byHand: L1(1e-2) },
    ],
    constraints: [
      { weight: /^bi\/forward_.*\/recurrent_kernel$/, spec: 'tfjs.MaxNorm:maxValue=1,axis=0', holds: MAXNORM(1) },
      { weight: /^bi\/backward_.*\/recurrent_kernel$/, spec: 'tfjs.MaxNorm:maxValue=1,axis=0', holds: MAXNORM(1) },
    ],
  },
  {
    name: 'BatchNormalization',
    heavy: true,
    build: () =>
      tf.sequential({
        layers: [
          dense('bn_in', 6, { units: 6, inputShape: [5], kernelRegularizer: penalty('l1:1e-3') }),
          tf.layers.batchNormalization({ name: 'bn', gammaRegularizer: penalty('l2:1e-2'), betaConstraint: constraint('maxnorm:m=0.5') }),
          head('bn_out'),
        ],
      }),
    data: () => ({ x: uniform([5], 7), y: classes(3) }),
    penalties: [
      { weight: /^bn_in\/kernel$/, spec: 'l1:0.001', byHand: L1(1e-3) },
      { weight: /^bn\/gamma$/, spec: 'l2:0.01', byHand: L2(1e-2) },
    ],
    constraints: [{ weight: /^bn\/beta$/, spec: 'maxnorm:m=0.5,axis=0', holds: MAXNORM(0.5) }],
  },
  {
    name: 'LayerNormalization',
    build: () =>
      tf.sequential({
        layers: [
          dense('ln_in', 6, { units: 6, inputShape: [5], kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }), kernelConstraint: constraint('unitnorm') }),
          tf.layers.layerNormalization({ name: 'ln', gammaRegularizer: penalty('deadzone:1e-2,a=0.5'), betaRegularizer: penalty('l1:1e-3') }),
          head('ln_out'),
        ],
      }),
    data: () => ({ x: uniform([5], 8), y: classes(3) }),
    penalties: [
      { weight: /^ln_in\/kernel$/, spec: 'tfjs.L1L2:l1=0,l2=0.001', byHand: L2(1e-3) },
      { weight: /^ln\/gamma$/, spec: 'deadzone:0.01,a=0.5', byHand: DEADZONE(1e-2, 0.5) },
      { weight: /^ln\/beta$/, spec: 'l1:0.001', byHand: L1(1e-3) },
    ],
    constraints: [{ weight: /^ln_in\/kernel$/, spec: 'unitnorm:axis=0', holds: UNITNORM() }],
  },
  {
    name: 'Dropout / SpatialDropout1D / GaussianNoise',
    heavy: true,
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv1d({ name: 'drop_conv', inputShape: [6, 2], filters: 4, kernelSize: 2, activation: 'relu', kernelRegularizer: penalty('l1:1e-3') }),
          tf.layers.spatialDropout1d({ rate: 0.3 }),
          tf.layers.flatten(),
          tf.layers.gaussianNoise({ stddev: 0.2 }),
          tf.layers.dropout({ rate: 0.4 }),
          dense('drop_d', 5, {
            units: 5,
            activation: 'relu',
            kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }),
            kernelConstraint: constraint('maxnorm:m=1,perchannel=1'),
          }),
          head('drop_out'),
        ],
      }),
    data: () => ({ x: uniform([6, 2], 9), y: classes(3) }),
    penalties: [
      { weight: /^drop_conv\/kernel$/, spec: 'l1:0.001', byHand: L1(1e-3) },
      { weight: /^drop_d\/kernel$/, spec: 'tfjs.L1L2:l1=0,l2=0.001', byHand: L2(1e-3) },
    ],
    constraints: [{ weight: /^drop_d\/kernel$/, spec: 'maxnorm:m=1,perchannel=1', holds: MAXNORM(1, [0]) }],
  },
  {
    name: 'DepthwiseConv2D',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.depthwiseConv2d({
            name: 'dw',
            inputShape: [6, 6, 2],
            kernelSize: 3,
            depthMultiplier: 2,
            depthwiseRegularizer: penalty('l1:1e-2'),
            depthwiseConstraint: tf.constraints.maxNorm({ maxValue: 1, axis: [0, 1] as unknown as number }),
            biasRegularizer: penalty('l2:1e-2'),
          }),
          tf.layers.flatten(),
          head('dw_out'),
        ],
      }),
    data: () => ({ x: uniform([6, 6, 2], 10), y: classes(3) }),
    penalties: [
      { weight: /^dw\/depthwise_kernel$/, spec: 'l1:0.01', byHand: L1(1e-2) },
      { weight: /^dw\/bias$/, spec: 'l2:0.01', byHand: L2(1e-2) },
    ],
    constraints: [{ weight: /^dw\/depthwise_kernel$/, spec: 'tfjs.MaxNorm:maxValue=1,axis=0,1', holds: MAXNORM(1, [0, 1]) }],
  },
  {
    name: 'SeparableConv2D',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.separableConv2d({
            name: 'sep',
            inputShape: [6, 6, 2],
            filters: 3,
            kernelSize: 3,
            depthwiseRegularizer: penalty('deadzone:1e-2,a=0.05'),
            pointwiseRegularizer: tf.regularizers.l1({ l1: 1e-3 }),
            pointwiseConstraint: constraint('nonneg'),
          }),
          tf.layers.flatten(),
          head('sep_out'),
        ],
      }),
    data: () => ({ x: uniform([6, 6, 2], 11), y: classes(3) }),
    penalties: [
      { weight: /^sep\/depthwise_kernel$/, spec: 'deadzone:0.01,a=0.05', byHand: DEADZONE(1e-2, 0.05) },
      { weight: /^sep\/pointwise_kernel$/, spec: 'tfjs.L1L2:l1=0.001,l2=0', byHand: L1(1e-3) },
    ],
    constraints: [{ weight: /^sep\/pointwise_kernel$/, spec: 'nonneg', holds: NONNEG }],
  },
  {
    name: 'Conv2DTranspose',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2dTranspose({
            name: 'up',
            inputShape: [3, 3, 2],
            filters: 2,
            kernelSize: 2,
            strides: 2,
            kernelRegularizer: penalty('l2:1e-2'),
            kernelConstraint: constraint('maxnorm:m=0.8,axis=0+1+3'),
          }),
          tf.layers.flatten(),
          head('up_out'),
        ],
      }),
    data: () => ({ x: uniform([3, 3, 2], 12), y: classes(3) }),
    penalties: [{ weight: /^up\/kernel$/, spec: 'l2:0.01', byHand: L2(1e-2) }],
    constraints: [{ weight: /^up\/kernel$/, spec: 'maxnorm:m=0.8,axis=0+1+3', holds: MAXNORM(0.8, [0, 1, 3]) }],
  },
  {
    name: 'nested model',
    heavy: true,
    build: () => {
      const inner = tf.sequential({
        name: 'inner',
        layers: [
          dense('inner_d', 4, {
            units: 4,
            inputShape: [4],
            activation: 'relu',
            kernelRegularizer: penalty('conf_cubic:1e-2'),
            kernelConstraint: tf.constraints.nonNeg(),
          }),
        ],
      });
      const input = tf.input({ shape: [5] });
      const h = sym(dense('outer_d', 4, { units: 4, activation: 'relu', kernelRegularizer: penalty('l1:1e-3') }), input);
      return tf.model({ inputs: input, outputs: sym(head('outer_out'), sym(inner, h)) });
    },
    data: () => ({ x: uniform([5], 13), y: classes(3) }),
    penalties: [
      { weight: /^outer_d\/kernel$/, spec: 'l1:0.001', byHand: L1(1e-3) },
      { weight: /^inner_d\/kernel$/, spec: 'conf_cubic:0.01', byHand: CUBIC(1e-2) },
    ],
    constraints: [{ weight: /^inner_d\/kernel$/, spec: 'tfjs.NonNeg', holds: NONNEG }],
  },
  {
    name: 'multi-input',
    build: () => {
      const a = tf.input({ shape: [3], name: 'in_a' });
      const b = tf.input({ shape: [4, 2], name: 'in_b' });
      const fb = sym(tf.layers.flatten(), sym(tf.layers.conv1d({ name: 'mi_conv', filters: 2, kernelSize: 2, kernelRegularizer: penalty('l2:1e-2') }), b));
      const fa = sym(dense('mi_a', 3, { units: 3, kernelRegularizer: penalty('deadzone:1e-2,a=0.1'), kernelConstraint: constraint('maxnorm:m=1') }), a);
      return tf.model({ inputs: [a, b], outputs: sym(head('mi_out'), sym(tf.layers.concatenate(), [fa, fb])) });
    },
    data: () => ({ x: { in_a: uniform([3], 14), in_b: uniform([4, 2], 15) }, y: classes(3) }),
    penalties: [
      { weight: /^mi_conv\/kernel$/, spec: 'l2:0.01', byHand: L2(1e-2) },
      { weight: /^mi_a\/kernel$/, spec: 'deadzone:0.01,a=0.1', byHand: DEADZONE(1e-2, 0.1) },
    ],
    constraints: [{ weight: /^mi_a\/kernel$/, spec: 'maxnorm:m=1,axis=0', holds: MAXNORM(1) }],
  },
  {
    name: 'multi-output',
    heavy: true,
    build: () => {
      const input = tf.input({ shape: [5] });
      const h = sym(
        dense('mo_h', 6, {
          units: 6,
          activation: 'relu',
          kernelRegularizer: penalty('l1l2:1,l1=1e-3,l2=1e-3'),
          kernelConstraint: constraint('minmaxnorm:min=0.2,max=1,rate=1'),
        }),
        input,
      );
      const cls = sym(dense('mo_cls', 3, { units: 3, activation: 'softmax', kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }) }), h);
      const reg = sym(dense('mo_reg', 2, { units: 2, kernelRegularizer: penalty('conf_cubic:1e-2') }), h);
      return tf.model({ inputs: input, outputs: [cls, reg] });
    },
    data: () => ({ x: uniform([5], 16), y: { mo_cls: classes(3), mo_reg: uniform([2], 17) } }),
    loss: { mo_cls: 'sparseCategoricalCrossentropy', mo_reg: 'meanSquaredError' },
    penalties: [
      { weight: /^mo_h\/kernel$/, spec: 'l1l2:1,l1=0.001,l2=0.001', byHand: L1L2(1, 1e-3, 1e-3) },
      { weight: /^mo_cls\/kernel$/, spec: 'tfjs.L1L2:l1=0,l2=0.001', byHand: L2(1e-3) },
      { weight: /^mo_reg\/kernel$/, spec: 'conf_cubic:0.01', byHand: CUBIC(1e-2) },
    ],
    constraints: [
      {
        weight: /^mo_h\/kernel$/,
        spec: 'minmaxnorm:min=0.2,max=1,rate=1,axis=0',
        holds: (w, shape) => Math.max(0, ...sliceNorms(w, shape, [0]).map((n) => Math.max(n - 1 - 1e-5, 0.2 - 1e-5 - n))),
      },
    ],
  },
  {
    name: 'SimpleRNN',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.simpleRNN({
            name: 'srnn',
            units: 3,
            inputShape: [4, 2],
            kernelRegularizer: penalty('l1:1e-2'),
            recurrentRegularizer: penalty('l2:2e-2'),
            biasRegularizer: tf.regularizers.l2({ l2: 3e-2 }),
            biasInitializer: 'ones',
            recurrentConstraint: constraint('maxnorm:m=1'),
          }),
          head('srnn_out'),
        ],
      }),
    data: () => ({ x: uniform([4, 2], 19), y: classes(3) }),
    penalties: [
      { weight: /^srnn\/kernel$/, spec: 'l1:0.01', byHand: L1(1e-2) },
      { weight: /^srnn\/recurrent_kernel$/, spec: 'l2:0.02', byHand: L2(2e-2) },
      { weight: /^srnn\/bias$/, spec: 'tfjs.L1L2:l1=0,l2=0.03', byHand: L2(3e-2) },
    ],
    constraints: [{ weight: /^srnn\/recurrent_kernel$/, spec: 'maxnorm:m=1,axis=0', holds: MAXNORM(1) }],
  },
  {
    name: 'RNN of stacked cells (SimpleRNNCell, GRUCell)',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.rnn({
            name: 'stack',
            inputShape: [4, 2],
            cell: [
              tf.layers.simpleRNNCell({ units: 3, kernelRegularizer: penalty('deadzone:1e-2,a=0.1') }),
              tf.layers.gruCell({ units: 2, recurrentRegularizer: penalty('l2:5e-2'), kernelConstraint: constraint('nonneg') }),
            ],
          }),
          head('stack_out'),
        ],
      }),
    data: () => ({ x: uniform([4, 2], 20), y: classes(3) }),
    penalties: [
      { weight: /^stack\/RNNCell_0\/kernel$/, spec: 'deadzone:0.01,a=0.1', byHand: DEADZONE(1e-2, 0.1) },
      { weight: /^stack\/RNNCell_1\/recurrent_kernel$/, spec: 'l2:0.05', byHand: L2(5e-2) },
    ],
    constraints: [{ weight: /^stack\/RNNCell_1\/kernel$/, spec: 'nonneg', holds: NONNEG }],
  },
  {
    name: 'ConvLSTM2D',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.convLstm2d({
            name: 'clstm',
            inputShape: [3, 4, 4, 1],
            filters: 2,
            kernelSize: 2,
            kernelRegularizer: penalty('l1:1e-2'),
            recurrentRegularizer: tf.regularizers.l2({ l2: 1e-2 }),
            biasRegularizer: penalty('l2:1e-1'),
            biasInitializer: 'ones',
          }),
          tf.layers.flatten(),
          head('clstm_out'),
        ],
      }),
    data: () => ({ x: tf.randomUniform([N, 3, 4, 4, 1], -1, 1, 'float32', 21), y: classes(3) }),
    penalties: [
      { weight: /^clstm\/kernel$/, spec: 'l1:0.01', byHand: L1(1e-2) },
      { weight: /^clstm\/recurrent_kernel$/, spec: 'tfjs.L1L2:l1=0,l2=0.01', byHand: L2(1e-2) },
      { weight: /^clstm\/bias$/, spec: 'l2:0.1', byHand: L2(1e-1) },
    ],
    constraints: [],
  },
  {
    name: 'PReLU',
    build: () =>
      tf.sequential({
        layers: [
          dense('pr_in', 4, { units: 4, inputShape: [5], kernelRegularizer: penalty('l2:1e-3') }),
          tf.layers.prelu({
            name: 'pr',
            alphaInitializer: tf.initializers.constant({ value: 0.25 }),
            alphaRegularizer: penalty('l1:5e-2'),
            alphaConstraint: constraint('nonneg'),
          }),
          head('pr_out'),
        ],
      }),
    data: () => ({ x: uniform([5], 22), y: classes(3) }),
    penalties: [
      { weight: /^pr_in\/kernel$/, spec: 'l2:0.001', byHand: L2(1e-3) },
      { weight: /^pr\/alpha$/, spec: 'l1:0.05', byHand: L1(5e-2) },
    ],
    constraints: [{ weight: /^pr\/alpha$/, spec: 'nonneg', holds: NONNEG }],
  },
  {
    name: 'frozen layers with penalties (trainable: false Dense, BatchNormalization)',
    build: () =>
      tf.sequential({
        layers: [
          dense('fz_d', 6, { units: 6, inputShape: [5], trainable: false, kernelRegularizer: penalty('l2:1e-2'), biasRegularizer: penalty('l1:1e-2') }),
          tf.layers.batchNormalization({ name: 'fz_bn', trainable: false, gammaRegularizer: penalty('l1:1e-2') }),
          dense('fz_t', 4, { units: 4, activation: 'relu', kernelRegularizer: penalty('l1:1e-3') }),
          head('fz_out'),
        ],
      }),
    data: () => ({ x: uniform([5], 23), y: classes(3) }),
    penalties: [
      { weight: /^fz_d\/kernel$/, spec: 'l2:0.01', byHand: L2(1e-2) },
      { weight: /^fz_d\/bias$/, spec: 'l1:0.01', byHand: L1(1e-2) },
      { weight: /^fz_bn\/gamma$/, spec: 'l1:0.01', byHand: L1(1e-2) },
      { weight: /^fz_t\/kernel$/, spec: 'l1:0.001', byHand: L1(1e-3) },
    ],
    constraints: [],
  },
  {
    name: 'BatchNormalization in a nested Sequential',
    build: () => {
      const inner = tf.sequential({
        name: 'bn_inner',
        layers: [
          dense('nbn_d', 6, { units: 6, inputShape: [5], kernelRegularizer: penalty('l1:1e-3') }),
          tf.layers.batchNormalization({ name: 'nbn', gammaRegularizer: penalty('l2:1e-2'), betaRegularizer: tf.regularizers.l1({ l1: 1e-2 }) }),
        ],
      });
      const input = tf.input({ shape: [5] });
      return tf.model({ inputs: input, outputs: sym(head('nbn_out'), sym(inner, input)) });
    },
    data: () => ({ x: uniform([5], 24), y: classes(3) }),
    penalties: [
      { weight: /^nbn_d\/kernel$/, spec: 'l1:0.001', byHand: L1(1e-3) },
      { weight: /^nbn\/gamma$/, spec: 'l2:0.01', byHand: L2(1e-2) },
      { weight: /^nbn\/beta$/, spec: 'tfjs.L1L2:l1=0.01,l2=0', byHand: L1(1e-2) },
    ],
    constraints: [],
  },
  {
    name: 'an Embedding shared by two inputs',
    build: () => {
      const a = tf.input({ shape: [3], dtype: 'int32', name: 'tok_a' });
      const b = tf.input({ shape: [3], dtype: 'int32', name: 'tok_b' });
      const emb = tf.layers.embedding({
        name: 'shared_emb',
        inputDim: 7,
        outputDim: 2,
        embeddingsRegularizer: penalty('l2:1e-1'),
        embeddingsConstraint: constraint('maxnorm:m=1,axis=1'),
      });
      const flat = (t: tf.SymbolicTensor) => sym(tf.layers.flatten(), sym(emb, t));
      return tf.model({ inputs: [a, b], outputs: sym(head('shared_out'), sym(tf.layers.concatenate(), [flat(a), flat(b)])) });
    },
    data: () => ({ x: { tok_a: tokens(3, 7), tok_b: tokens(3, 5) }, y: classes(3) }),
    penalties: [{ weight: /^shared_emb\/embeddings$/, spec: 'l2:0.1', byHand: L2(1e-1) }],
    constraints: [{ weight: /^shared_emb\/embeddings$/, spec: 'maxnorm:m=1,axis=1', holds: MAXNORM(1, [1]) }],
  },
];

/** A layer that adds a loss of its own (`addLoss`): a term no weight's regularizer explains. */
class AddsLoss extends tf.layers.Layer {
  static className = 'ConformanceAddsLoss';
  override build(): void {
    this.addLoss(() => tf.scalar(0.5));
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
  }
}

/** What TF.js (or this library) cannot do: each must stop with a clear error, naming what is wrong. */
export const REFUSED: ReadonlyArray<{ readonly name: string; readonly run: () => Promise<unknown>; readonly error: RegExp }> = [
  {
    name: 'an activity regularizer (TF.js cannot apply a layer with one)',
    run: async () => tf.sequential({ layers: [dense('act', 2, { units: 2, inputShape: [3], activityRegularizer: tf.regularizers.l2() })] }),
    error: /activity regularizer\(s\) is not supported/,
  },
  {
    name: 'an activity regularizer given to a built layer (TF.js would throw as the model first runs): refused up front, saying what to do',
    run: async () => {
      const { fit } = await import('../../src/index.ts');
      const m = tf.sequential({ layers: [dense('act_late', 2, { units: 2, inputShape: [3] }), head('act_out')] });
      (m.getLayer('act_late') as unknown as { activityRegularizer: unknown }).activityRegularizer = tf.regularizers.l2();
      return fit(m, { x: uniform([3], 25), y: classes(3) }, { epochs: 1, batchSize: 8, loss: 'sparseCategoricalCrossentropy' });
    },
    error: /^layer act_late has an activity regularizer \(a penalty on its output, set after it was built\), which TF\.js cannot apply .*remove it/,
  },
  {
    name: 'a loss added with addLoss (no weight to attribute it to)',
    run: async () => {
      const { fit } = await import('../../src/index.ts');
      const m = tf.sequential({ layers: [dense('al_d', 3, { units: 3, inputShape: [4] }), new AddsLoss({ name: 'adds_loss' }), head('al_out')] });
      return fit(m, { x: uniform([4], 18), y: classes(3) }, { epochs: 1, batchSize: 8, loss: 'sparseCategoricalCrossentropy' });
    },
    error: /layer adds_loss adds 1 loss term\(s\) to training but only 0 are regularizers of its weights/,
  },
  {
    name: "a GRU's penalty under TF.js's own model.fit (which drops it)",
    run: async () => {
      const { recordWeights } = await import('../../src/index.ts');
      const m = CASES.find((c) => c.name === 'GRU')!.build();
      m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
      const d = CASES.find((c) => c.name === 'GRU')!.data();
      return m.fit(d.x as tf.Tensor, d.y as tf.Tensor, { epochs: 1, verbose: 0, callbacks: [recordWeights(m)] });
    },
    error: /the penalty on gru\/kernel is kept on its GRUCell, where TF\.js's own model\.fit does not look/,
  },
];
