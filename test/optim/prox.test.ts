import { describe, expect, it } from 'vitest';
import {
  attachToKernels,
  definePenalty,
  fit,
  optimizerFor,
  optimizerSpec,
  penalty,
  proximal,
  softThreshold,
  stepSizes,
  type Tensor,
  type Tree,
  tf,
  trainStep,
  withLayerControls,
  withProximal,
} from '../../src/index.ts';
import { expectClose, values } from '../helpers.ts';

const tree = (o: Record<string, number[]>): Tree => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, tf.tensor1d(v)]));
const arr = (t: Tensor | undefined) => Array.from((t as Tensor).dataSync());
const soft = (w: number, tau: number) => Math.sign(w) * Math.max(0, Math.abs(w) - tau);

/** A linear model y = x·w (no bias) with the kernel set to `w`. */
function linear(w: number[], reg?: ReturnType<typeof penalty>): tf.LayersModel {
  const model = tf.sequential({
    layers: [tf.layers.dense({ name: 'lin', units: 1, inputShape: [w.length], useBias: false, ...(reg ? { kernelRegularizer: reg } : {}) })],
  });
  (model.weights[0]!.read() as tf.Variable).assign(tf.tensor2d(w, [w.length, 1]));
  return model;
}

/** Orthogonal design: 8 samples, 4 features of ±1 (Hadamard columns), so XᵀX = 8·I. */
const H = [
  [1, 1, 1, 1],
  [1, -1, 1, -1],
  [1, 1, -1, -1],
  [1, -1, -1, 1],
  [1, 1, 1, -1],
  [1, -1, 1, 1],
  [1, 1, -1, 1],
  [1, -1, -1, -1],
];

describe('proximal step sizes η = |u(g) − u(−g̃)| / (|g| + |g̃|), g̃ = g or 1 where g = 0', () => {
  const g = { 'a/kernel': [0.5, -2, 0, 1e-3] };
  const p = { 'a/kernel': [1, 1, 1, 1] };
  const eta = (spec: string, grads = g, warm?: number[]) => {
    const t = optimizerSpec(spec).transform;
    let state = t.init(tree(p));
    if (warm) state = t.update(tree({ 'a/kernel': warm }), state, tree(p))[1];
    const [u] = t.update(tree(grads), state, tree(p));
    return arr(stepSizes(t, tree(grads), state, tree(p), { 'a/kernel': u['a/kernel']! })['a/kernel']);
  };

  it('is the learning rate for SGD and momentum, also where g = 0', () => {
    expectClose(eta('sgd:lr=0.1'), [0.1, 0.1, 0.1, 0.1], 1e-6);
    // With momentum the odd part is the difference of two updates that share the history term:
    // exact up to float32 rounding of that term (here |v| = 2.7 against |g| = 1e-3).
    expectClose(eta('momentum:lr=0.1,m=0.9', g, [3, 3, 3, 3]), [0.1, 0.1, 0.1, 0.1], 1e-3);
  });

  it('is lr·(1 + m) for Nesterov momentum: its step takes g once more, m·g through the new v', () => {
    expectClose(eta('momentum:lr=0.1,m=0.9,nesterov=1'), [0.19, 0.19, 0.19, 0.19], 1e-6);
    expectClose(eta('momentum:lr=0.1,m=0.9,nesterov=1', g, [3, 3, 3, 3]), [0.19, 0.19, 0.19, 0.19], 1e-3);
  });

  it('is |u| / |g| for RMSprop, Adadelta and Adagrad (no momentum): the per-weight step the optimiser took', () => {
    for (const spec of ['rmsprop:lr=0.01,rho=0.9', 'adadelta:lr=1,rho=0.95', 'adagrad:lr=0.01']) {
      const t = optimizerSpec(spec).transform;
      const [u] = t.update(tree(g), t.init(tree(p)), tree(p));
      const expected = arr(u['a/kernel']).map((x, i) => Math.abs(x) / Math.abs(g['a/kernel'][i]!));
      expectClose(
        eta(spec).filter((_, i) => i !== 2),
        expected.filter((_, i) => i !== 2),
        1e-5,
      );
    }
  });

  it("is lr·(1 − β1)/(1 − β1ᵗ)/(√v̂ + ε) for Adam, and AdamW's decay does not enter it", () => {
    const g1 = [0.3, -0.2, 0.1, 0.4];
    const [b1, b2, lr, eps] = [0.9, 0.999, 1e-3, 1e-7];
    // Adam's second update for gradient x after g1: −lr·m̂/(√v̂ + ε).
    const u = (x: number, i: number) => {
      const m = (b1 * (1 - b1) * g1[i]! + (1 - b1) * x) / (1 - b1 ** 2);
      const v = (b2 * (1 - b2) * g1[i]! ** 2 + (1 - b2) * x ** 2) / (1 - b2 ** 2);
      return (-lr * m) / (Math.sqrt(v) + eps);
    };
    // g ≠ 0: lr·(1 − β1)/(1 − β1²)/(√v̂ + ε), the odd part; g = 0: |u(0) − u(−1)|.
    const expected = g['a/kernel'].map((g2, i) => {
      if (g2 === 0) return Math.abs(u(0, i) - u(-1, i));
      const v = (b2 * (1 - b2) * g1[i]! ** 2 + (1 - b2) * g2 ** 2) / (1 - b2 ** 2);
      return (lr * (1 - b1)) / (1 - b1 ** 2) / (Math.sqrt(v) + eps);
    });
    expectClose(eta('adam:lr=1e-3', g, g1), expected, 1e-4);
    expectClose(eta('adamw:lr=1e-3,wd=0.1', g, g1), expected, 1e-4);
  });

  it('is the odd part where g ≠ 0 even when a transform of the whole tensor (clipnorm) sees zeros in it', () => {
    // SGD after clipnorm:1 on g = [0.3, −0.4, 0, 0] (‖g‖ = 0.5, not clipped): u = −0.1·g, so the
    // odd part is 0.1 where g ≠ 0. The unit probe of the zeros must not enter it: g̃ = [0.3, −0.4, 1, 1]
    // has ‖g̃‖ = 1.5, clipped by 2/3, which gave (0.1 + 0.0667)/2 = 0.0833 there. Where g = 0: the
    // slope to a unit gradient, clipped with the probe, 0.1·(1/1.5).
    const names = ['a/kernel'];
    const t = withLayerControls(optimizerSpec('sgd:lr=0.1').transform, { grad: [{ pattern: 'a', transform: 'clipnorm:1' }] }, names);
    const grads = tree({ 'a/kernel': [0.3, -0.4, 0, 0] });
    const [u] = t.update(grads, t.init(grads), grads);
    expectClose(arr(stepSizes(t, grads, t.init(grads), grads, u)['a/kernel']), [0.1, 0.1, 0.1 / 1.5, 0.1 / 1.5], 1e-6);
  });

  it('takes a global-norm clip over the same weights as the update did, the proximal weight’s and the others’', () => {
    // clipglobalnorm:0.65 on a/kernel g = [0.3, −0.4, 0] and a/bias [1.2]: ‖G‖ = 1.3, factor 0.5, so
    // SGD's η = 0.1·0.5 where g ≠ 0 (the kernel's norm alone, 0.5, is not clipped: 0.075 before).
    // Where g = 0, the unit probe's: ‖(0.3, −0.4, 1, 1.2)‖ = √2.69, η = 0.1·0.65/√2.69.
    const names = ['a/kernel', 'a/bias'];
    const t = withLayerControls(optimizerSpec('sgd:lr=0.1').transform, { grad: [{ pattern: 'a', transform: 'clipglobalnorm:0.65' }] }, names);
    const grads = tree({ 'a/kernel': [0.3, -0.4, 0], 'a/bias': [1.2] });
    const [u] = t.update(grads, t.init(grads), grads);
    const e = stepSizes(t, grads, t.init(grads), grads, { 'a/kernel': u['a/kernel']! });
    expectClose(arr(e['a/kernel']), [0.05, 0.05, (0.1 * 0.65) / Math.sqrt(2.69)], 1e-6);
  });

  it('scales with a per-layer learning-rate multiplier and is 0 for a frozen weight', () => {
    const names = ['a/kernel', 'b/kernel'];
    const t = withLayerControls(optimizerSpec('sgd:lr=0.1').transform, { lrMult: [{ pattern: 'a', factor: 0.5 }], freeze: ['b'] }, names);
    const grads = tree({ 'a/kernel': [1, -1], 'b/kernel': [1, -1] });
    const [u] = t.update(grads, t.init(grads), grads);
    const e = stepSizes(t, grads, t.init(grads), grads, u);
    expectClose(arr(e['a/kernel']), [0.05, 0.05], 1e-6);
    expect(arr(e['b/kernel'])).toEqual([0, 0]);
  });
});

describe('proximal L1 against closed forms', () => {
  it('one SGD step is the soft threshold of the gradient step (ISTA), the penalty reported but not in the gradient', async () => {
    const w0 = [0.5, -0.02, 0.01, -0.3];
    const [lr, lambda] = [0.1, 0.5];
    const x = tf.tensor2d(H.slice(0, 4));
    const y = tf.tensor2d([[1], [0], [-1], [0.5]]);
    // The data loss's gradient alone, at w0: (2/n)·Xᵀ(Xw − y) for the mean squared error.
    const ref = linear(w0);
    const g = tf.grad((w: Tensor) => tf.losses.meanSquaredError(y, tf.matMul(x, w)))(tf.tensor2d(w0, [4, 1]));
    const model = linear(w0, penalty(`l1:${lambda},prox`));
    const opt = optimizerFor(model, withProximal(model, optimizerSpec(`sgd:lr=${lr}`).transform));
    const r = await trainStep(model, opt, x, y, { loss: 'meanSquaredError' });
    expect(r.penaltyLoss).toBeCloseTo(lambda * w0.reduce((s, v) => s + Math.abs(v), 0), 6);
    const expected = w0.map((w, i) => soft(w - lr * g.dataSync()[i]!, lambda * lr));
    expectClose(values(model.weights[0]!.read()), expected, 1e-5, 1e-7);
    // The soft threshold zeroes the small weights exactly, not to within a step.
    expect(expected.filter((v) => v === 0).length).toBeGreaterThan(0);
    expect(values(model.weights[0]!.read()).filter((v) => v === 0).length).toBe(expected.filter((v) => v === 0).length);
    ref.dispose();
  });

  it('lasso on a tiny linear regression reaches the known sparse solution, with exact zeros counted in the histograms', async () => {
    // XᵀX = 8·I, so the minimiser of mean (y − Xw)² + λ‖w‖₁ is w_j = sign(b_j)·max(0, |b_j| − λ/2), b = Xᵀy/8.
    const b = [1, -0.5, 0.05, -0.02];
    const lambda = 0.2;
    const x = tf.tensor2d(H);
    const y = tf.matMul(x, tf.tensor2d(b, [4, 1]));
    const solution = b.map((v) => soft(v, lambda / 2));
    const train = async (spec: string) => {
      const model = linear([0.3, 0.3, 0.3, 0.3], penalty(spec));
      const record = await fit(model, { x, y }, { epochs: 60, batchSize: 8, optimizer: 'sgd:lr=0.2', loss: 'meanSquaredError', shuffle: false });
      return { w: values(model.weights[0]!.read()), record };
    };
    const prox = await train(`l1:${lambda},prox`);
    expectClose(prox.w, solution, 1e-5, 1e-6);
    expect(prox.w.slice(2)).toEqual([0, 0]);
    const last = prox.record.epochs.at(-1)!;
    expect(last.histogram.zeros).toBe(2);
    expect(last.layers[0]!.weights![0]!.histogram.zeros).toBe(2);
    expect(last.penaltyLoss).toBeCloseTo(lambda * (Math.abs(solution[0]!) + Math.abs(solution[1]!)), 4);
    expect(prox.record.config.penalty).toBe('l1:0.2,prox');
    // The subgradient of plain L1 leaves the same weights oscillating around 0, never exactly 0.
    const sub = await train(`l1:${lambda}`);
    expect(sub.w.slice(2).every((v) => v !== 0)).toBe(true);
    expect(sub.record.epochs.at(-1)!.histogram.zeros).toBe(0);
  });

  it('elastic net and dead zone take their own exact prox', () => {
    const w = tf.tensor1d([-0.6, -0.3, 0.05, 0.26, 0.4]);
    const tau = tf.scalar(0.1);
    const l1l2 = penalty('l1l2:1,l1=0.5,l2=2').definition.prox!;
    expectClose(
      arr(l1l2(w, tau, { l1: 0.5, l2: 2 })),
      [-0.6, -0.3, 0.05, 0.26, 0.4].map((v) => soft(v, 0.05) / 1.4),
      1e-6,
    );
    const dz = penalty('deadzone:1,a=0.25').definition.prox!;
    // inside [−a, a] unchanged; just outside it stops at ±a; far outside it moves τ.
    expectClose(arr(dz(w, tau, { a: 0.25 })), [-0.5, -0.25, 0.05, 0.25, 0.3], 1e-6);
  });
});

describe('proximal mode of a penalty', () => {
  it('reports λ·penalty with a zero gradient, keeps its class, saves and loads in proximal mode', async () => {
    const reg = penalty('l1:0.1,prox');
    expect(reg.spec).toBe('l1:0.1,prox');
    expect(reg.getClassName()).toBe('penx.l1');
    const w = tf.tensor1d([1, -2, 0.5]);
    expect(reg.apply(w).dataSync()[0]).toBeCloseTo(0.35, 6);
    expect(values(tf.grad((v: Tensor) => reg.apply(v))(w)).every((v) => v === 0)).toBe(true);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelRegularizer: reg })] });
    const copy = await attachToKernels(model, { penalty: reg });
    const restored = (copy.layers[0] as unknown as { kernelRegularizer: ReturnType<typeof penalty> }).kernelRegularizer;
    expect(restored.spec).toBe('l1:0.1,prox');
    expect(restored.getConfig()).toMatchObject({ strength: 0.1, prox: true });
  });

  it('is refused for a penalty without a proximal operator; a user penalty may declare one', () => {
    expect(() => penalty('l2:1e-4,prox')).toThrow(/penalty l2 has no proximal operator/);
    const def = definePenalty({ name: 'halfl1', formula: 'Σ|w|/2', fn: (w) => tf.div(tf.abs(w), 2), prox: (w, tau) => softThreshold(w, tf.div(tau, 2)) });
    expect(def.prox).toBeDefined();
    const model = linear([0.5, -0.04], penalty({ name: 'halfl1', strength: 0.2, prox: true }));
    const t = withProximal(model, optimizerSpec('sgd:lr=1').transform);
    const grads = tree({ 'lin/kernel': [0, 0] });
    const params = { 'lin/kernel': tf.tensor1d([0.5, -0.04]) };
    const [u] = t.update(grads, t.init(params), params);
    expectClose(arr(tf.add(params['lin/kernel'], u['lin/kernel']!)), [0.4, 0], 1e-6);
  });

  it('a ready tf.Optimizer is refused for a proximal penalty', async () => {
    const model = linear([1, 1], penalty('l1:0.1,prox'));
    const x = tf.ones([4, 2]);
    await expect(fit(model, { x, y: tf.ones([4, 1]) }, { epochs: 1, batchSize: 4, optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' })).rejects.toThrow(
      /proximal mode .* needs an optimiser spec/,
    );
  });

  it('proximal() leaves weights without a term to the optimiser alone', () => {
    const t = proximal(optimizerSpec('sgd:lr=1').transform, { 'a/kernel': { strength: 0.1, prox: softThreshold } });
    const g = tree({ 'a/kernel': [0.1], 'b/kernel': [0.1] });
    const p = tree({ 'a/kernel': [0.5], 'b/kernel': [0.5] });
    const [u] = t.update(g, t.init(p), p);
    expectClose(arr(u['a/kernel']), [-0.2], 1e-6);
    expectClose(arr(u['b/kernel']), [-0.1], 1e-6);
  });
});
