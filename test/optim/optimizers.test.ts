import { describe, expect, it } from 'vitest';
import {
  chain,
  DataError,
  fit,
  type GradientTransform,
  gradientTransform,
  loadGradientTransform,
  masked,
  optimizerCatalog,
  optimizerFor,
  optimizerSpec,
  type Scalar,
  SpecError,
  type Tensor,
  TransformOptimizer,
  tf,
  trainStep,
  UsageError,
  withLayerControls,
} from '../../src/node.ts';

/** The optimiser of `spec` with its updates × `factor` (a learning-rate multiplier on weight `theta`). */
const times = (spec: string, factor: number) => withLayerControls(optimizerSpec(spec).transform, { lrMult: [{ pattern: 'theta', factor }] }, ['theta']);

import { expectClose } from '../helpers.ts';

// A least-squares problem on a vector θ: L(θ) = mean((Xθ − y)²).
const X = tf.tensor2d([
  [1, 2, -1],
  [0.5, -1, 2],
  [2, 0.3, 0.7],
  [-1, 1, 1],
]);
const Y = tf.tensor1d([1, -2, 0.5, 3]);
const loss = (theta: Tensor) => tf.mean(tf.square(tf.sub(tf.squeeze(tf.matMul(X, tf.reshape(theta, [3, 1]))), Y))) as Scalar;
const THETA0 = [0.3, -0.7, 1.2];

/** Train a variable with a transform; `f` maps the variable to θ. Returns θ after `steps`. */
function train(transform: GradientTransform, steps: number, lambda = 1): number[] {
  const v = tf.variable(tf.tensor1d(THETA0.map((t) => t / lambda)));
  const opt = new TransformOptimizer(transform, { theta: v });
  for (let i = 0; i < steps; i++) {
    const { grads } = tf.variableGrads(() => loss(tf.mul(v, lambda)), [v]);
    opt.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  return Array.from(tf.mul(v, lambda).dataSync());
}

describe('per-layer learning rates are exact (θ = λφ)', () => {
  const λ = 3;
  it('SGD: training φ equals training θ with lr × λ²', () => {
    expectClose(train(optimizerSpec('sgd:lr=0.01').transform, 20, λ), train(times('sgd:lr=0.01', λ * λ), 20), 1e-5);
  });
  it('momentum: the same, lr × λ²', () => {
    expectClose(train(optimizerSpec('momentum:lr=0.005,m=0.9').transform, 20, λ), train(times('momentum:lr=0.005,m=0.9', λ * λ), 20), 1e-5);
  });
  it('Adam: training φ equals training θ with lr × λ (ε negligible)', () => {
    const reparam = train(optimizerSpec('adam:lr=0.01,eps=1e-12').transform, 20, λ);
    expectClose(reparam, train(times('adam:lr=0.01,eps=1e-12', λ), 20), 1e-4);
    // …and not with λ²: scaling gradients is not a learning rate under Adam.
    expect(Math.abs((reparam[0] as number) - (train(times('adam:lr=0.01,eps=1e-12', λ * λ), 20)[0] as number))).toBeGreaterThan(1e-3);
  });
});

describe('optimisers against their formulas by hand', () => {
  const g1 = [10, -0.3, 0.02];
  const g2 = [8, 0.1, -0.05];
  function steps(spec: string, grads: number[][], w0 = [0.5, -1.2, 3]): number[] {
    const v = tf.variable(tf.tensor1d(w0));
    const opt = new TransformOptimizer(optimizerSpec(spec).transform, { w: v });
    for (const g of grads) opt.applyGradients({ [v.name]: tf.tensor1d(g) });
    return Array.from(v.dataSync());
  }

  it('Adadelta (Keras): small first step, where TF.js takes the whole gradient', () => {
    let w = [0.5, -1.2, 3];
    const a = [0, 0, 0];
    const d = [0, 0, 0];
    for (const g of [g1, g2]) {
      w = w.map((x, i) => {
        a[i] = 0.95 * a[i]! + 0.05 * g[i]! ** 2;
        const delta = (g[i]! * Math.sqrt(d[i]! + 1e-7)) / Math.sqrt(a[i]! + 1e-7);
        d[i] = 0.95 * d[i]! + 0.05 * delta * delta;
        return x - delta;
      });
    }
    expectClose(steps('adadelta:lr=1,rho=0.95', [g1, g2]), w, 1e-5);
    expect(Math.abs(steps('adadelta', [[100, 0, 0]])[0]! - 0.5)).toBeLessThan(2e-3);
  });

  it('AdamW decays apart from the adaptive step: w ← w − lr·(m̂/(√v̂+ε) + wd·w)', () => {
    const lr = 0.1;
    const wd = 0.5;
    const w0 = [0.5, -1.2, 3];
    // One step: m̂ = g, v̂ = g², so the adaptive part is g/(|g| + ε) ≈ sign(g).
    const expected = w0.map((w, i) => w - lr * (g1[i]! / (Math.abs(g1[i]!) + 1e-7) + wd * w));
    expectClose(steps(`adamw:lr=${lr},wd=${wd}`, [g1], w0), expected, 1e-5);
    // Adam with the decay added to the gradient (L2) normalises it away: a different step.
    const adamL2 = steps(`adam:lr=${lr}`, [g1.map((g, i) => g + wd * w0[i]!)], w0);
    expect(Math.abs(adamL2[2]! - expected[2]!)).toBeGreaterThan(0.1);
  });

  it('RMSprop as Keras and TF.js compute it, g/√(a + ε), and SGD', () => {
    const a = g1.map((g) => 0.1 * g * g);
    expectClose(
      steps('rmsprop:lr=0.01,rho=0.9', [g1]),
      [0.5, -1.2, 3].map((w, i) => w - (0.01 * g1[i]!) / Math.sqrt(a[i]! + 1e-7)),
      1e-5,
    );
    // A small gradient shows the difference from g/(√a + ε): |g| = 1e-3 moves by 2.236·lr, not 3.16·lr.
    expectClose([steps('rmsprop:lr=1,rho=0.9', [[1e-3]], [0])[0]!], [-1e-3 / Math.sqrt(0.1 * 1e-6 + 1e-7)], 1e-5);
    expect(-steps('rmsprop:lr=1,rho=0.9', [[1e-3]], [0])[0]!).toBeCloseTo(2.236, 3);
    // TF.js's own RMSprop agrees.
    const v = tf.variable(tf.tensor1d([0]));
    tf.train.rmsprop(1, 0.9, 0, 1e-7).applyGradients({ [v.name]: tf.tensor1d([1e-3]) });
    expect(v.dataSync()[0]).toBeCloseTo(steps('rmsprop:lr=1,rho=0.9', [[1e-3]], [0])[0]!, 4);
    expectClose(steps('sgd:lr=0.1', [g1]), [0.5 - 1, -1.2 + 0.03, 3 - 0.002], 1e-6);
  });

  it('Nesterov momentum (PyTorch nesterov=True): v ← m·v + g, w ← w − lr·(g + m·v); not plain momentum', () => {
    const [lr, m] = [0.1, 0.9];
    let w = [0.5, -1.2, 3];
    const v = [0, 0, 0];
    for (const g of [g1, g2]) {
      w = w.map((x, i) => {
        v[i] = m * v[i]! + g[i]!;
        return x - lr * (g[i]! + m * v[i]!);
      });
    }
    expectClose(steps(`momentum:lr=${lr},m=${m},nesterov=1`, [g1, g2]), w, 1e-5);
    // Plain momentum takes w − lr·v: after two steps w[0] differs by lr·m·v = 1.62.
    expect(Math.abs(steps(`momentum:lr=${lr},m=${m}`, [g1, g2])[0]! - w[0]!)).toBeGreaterThan(1);
    // nesterov is quiet at its default: momentum's normalised spec (run folders, resumes) is as before.
    expect(optimizerSpec('momentum:lr=0.1,m=0.9,nesterov=0').spec).toBe('momentum:lr=0.1,m=0.9');
    expect(optimizerSpec('momentum:lr=0.1,nesterov=1').spec).toBe('momentum:lr=0.1,m=0.9,nesterov=1');
  });

  it('Adagrad as Keras and TF.js compute it: a ← a + g² from 0.1, w ← w − lr·g/√(a + ε)', () => {
    let w = [0.5, -1.2, 3];
    const a = [0.1, 0.1, 0.1];
    for (const g of [g1, g2]) {
      w = w.map((x, i) => {
        a[i] = a[i]! + g[i]! ** 2;
        return x - (0.01 * g[i]!) / Math.sqrt(a[i]! + 1e-7);
      });
    }
    expectClose(steps('adagrad:lr=0.01', [g1, g2]), w, 1e-5);
    // TF.js's own Adagrad (initial accumulator 0.1, ε its backend's 1e-7 inside the root) agrees.
    const v = tf.variable(tf.tensor1d([0.5, -1.2, 3]));
    const own = tf.train.adagrad(0.01, 0.1);
    for (const g of [g1, g2]) own.applyGradients([{ name: v.name, tensor: tf.tensor1d(g) }]);
    expectClose(Array.from(v.dataSync()), w, 1e-5);
    // init=0: the first step of each weight is lr·sign(g) (|g| ≫ √ε).
    expectClose(steps('adagrad:lr=0.01,init=0', [g1]), [0.5 - 0.01, -1.2 + 0.01, 3 - 0.01], 1e-4);
  });

  it.each(optimizerCatalog.names().map((name) => [name]))(
    '%s: state saves and restores exactly (a step after the restore = one uninterrupted)',
    async (name) => {
      const spec = name === 'momentum' ? 'momentum:nesterov=1' : name;
      const a = tf.variable(tf.tensor1d([0.5, -1.2, 3]));
      const b = tf.variable(tf.tensor1d([0.5, -1.2, 3]));
      const optA = new TransformOptimizer(optimizerSpec(spec).transform, { w: a });
      const optB = new TransformOptimizer(optimizerSpec(spec).transform, { w: b });
      optA.applyGradients({ [a.name]: tf.tensor1d(g1) });
      optB.applyGradients({ [b.name]: tf.tensor1d(g1) });
      const restored = new TransformOptimizer(optimizerSpec(spec).transform, { w: b });
      await restored.setWeights(await optB.getWeights());
      optA.applyGradients({ [a.name]: tf.tensor1d(g2) });
      restored.applyGradients({ [b.name]: tf.tensor1d(g2) });
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      expect(restored.iterations).toBe(2);
      // …where a step by a fresh optimiser (the state lost) ends elsewhere, but for SGD, which keeps none.
      const c = tf.variable(tf.tensor1d([0.5, -1.2, 3]));
      new TransformOptimizer(optimizerSpec(spec).transform, { w: c }).applyGradients({ [c.name]: tf.tensor1d(g1) });
      new TransformOptimizer(optimizerSpec(spec).transform, { w: c }).applyGradients({ [c.name]: tf.tensor1d(g2) });
      if (name === 'sgd') expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
      else expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    },
  );

  it('refuses a state of another transform (a DataError) and a gradient of a variable it does not update (a UsageError)', async () => {
    const w = tf.variable(tf.tensor1d([0.5, -1.2, 3]));
    const other = tf.variable(tf.tensor1d([1]));
    const adamw = new TransformOptimizer(optimizerSpec('adamw').transform, { w });
    const sgd = new TransformOptimizer(optimizerSpec('sgd').transform, { w });
    const saved = await sgd.getWeights();
    await expect(adamw.setWeights(saved)).rejects.toThrow(/optimizer state lacks/);
    await expect(adamw.setWeights(saved)).rejects.toThrow(DataError);
    const g = tf.tensor1d([1]);
    expect(() => adamw.applyGradients({ [other.name]: g })).toThrow(UsageError);
    tf.dispose([w, other, g, ...saved.map((s) => s.tensor)]);
    adamw.dispose();
    sgd.dispose();
  });
});

describe('a frozen layer does not move', () => {
  it('even under AdamW, whose decoupled decay would move it if only its gradient were zeroed', () => {
    const w = tf.variable(tf.tensor1d([0.5, -1.2]));
    const v = tf.variable(tf.tensor1d([0.5, -1.2]));
    const names = ['a/kernel', 'b/kernel'];
    const opt = new TransformOptimizer(withLayerControls(optimizerSpec('adamw:lr=0.1,wd=0.5').transform, { freeze: ['a'] }, names), {
      'a/kernel': w,
      'b/kernel': v,
    });
    opt.applyGradients({ [w.name]: tf.tensor1d([1, 1]), [v.name]: tf.tensor1d([1, 1]) });
    expect(Array.from(w.dataSync())).toEqual([0.5, -1.2].map(Math.fround));
    expect(Array.from(v.dataSync())).not.toEqual([0.5, -1.2].map(Math.fround));
    // Zeroing the gradient alone is not enough:
    const u = tf.variable(tf.tensor1d([0.5, -1.2]));
    new TransformOptimizer(chain(masked('a', gradientTransform('zero')), optimizerSpec('adamw:lr=0.1,wd=0.5').transform), { 'a/kernel': u }).applyGradients({
      [u.name]: tf.tensor1d([1, 1]),
    });
    expect(Array.from(u.dataSync())).not.toEqual([0.5, -1.2].map(Math.fround));
  });

  it('masked zero() before the optimiser freezes dense_b, others train', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ name: 'dense_a', units: 4, inputShape: [3] }), tf.layers.dense({ name: 'dense_b', units: 2 })] });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const opt = new TransformOptimizer(
      chain(masked('dense_b', gradientTransform('zero')), optimizerSpec('adam:lr=0.1').transform),
      Object.fromEntries(model.trainableWeights.map((w) => [w.originalName, w.read() as tf.Variable])),
    );
    for (let i = 0; i < 3; i++) await trainStep(model, opt, tf.ones([5, 3]), tf.ones([5, 2]), { loss: (y, p) => tf.losses.meanSquaredError(y, p) as Scalar });
    const after = model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(after[2]).toEqual(before[2]);
    expect(after[3]).toEqual(before[3]);
    expect(after[0]).not.toEqual(before[0]);
  });
});

describe('a user gradient module', () => {
  it('loads, probes and applies the example (sign descent scaled by mean |g|) to matching layers', async () => {
    const t = withLayerControls(chain(), { grad: [{ pattern: 'dense_1', transform: await loadGradientTransform('./mnist-demo/examples/sign-gradient.ts') }] }, [
      'dense_1/kernel',
      'dense_2/kernel',
    ]);
    const g = { 'dense_1/kernel': tf.tensor1d([3, -1, 0, 0.5]), 'dense_2/kernel': tf.tensor1d([3, -1]) };
    const [u] = t.update(g, t.init(g), g);
    expect(Array.from(u['dense_1/kernel']!.dataSync())).toEqual([1.125, -1.125, 0, 1.125]);
    expect(Array.from(u['dense_2/kernel']!.dataSync())).toEqual([3, -1]);
  });
  it('refuses a module that changes the shape, or is not a transform', async () => {
    await expect(loadGradientTransform('./test/fixtures/grad/wrong-shape.ts')).rejects.toThrow(/returned shape \[\] for a gradient of shape \[2,3\]/);
    await expect(loadGradientTransform('./test/fixtures/penalties/plain-object.ts')).rejects.toThrow(/default export must be a function/);
  });
});

describe('bad optimiser and per-layer specs', () => {
  const names = ['conv2d_1/kernel', 'conv2d_1/bias', 'dense_2/kernel'];
  it.each([
    ['optimizer', () => optimizerSpec('lion'), /unknown optimizer 'lion'.*Accepted: sgd, momentum, adam, adadelta, rmsprop, adamw, adagrad$/, SpecError],
    // No module defines an optimiser: neither message sends the user to one (or to the library's loaders).
    [
      'module',
      () => optimizerSpec('./my-opt.ts'),
      /^'\.\/my-opt\.ts' names a module; optimizers are built in: sgd, momentum, adam, adadelta, rmsprop, adamw, adagrad$/,
      SpecError,
    ],
    ['lr', () => optimizerSpec('adam:lr=-1'), /adam parameter lr=-1 is not allowed; expected a finite number > 0/, SpecError],
    ['positional', () => optimizerSpec('adam:0.1'), /takes key=value parameters/, SpecError],
    // β = 1 makes Adam's bias correction 1 − βᵗ zero: NaN weights on the first step.
    ['beta1', () => optimizerSpec('adam:beta1=1'), /adam parameter beta1=1 is not allowed; expected a finite number ≥ 0, < 1/, SpecError],
    ['beta2', () => optimizerSpec('adamw:beta2=1'), /adamw parameter beta2=1 is not allowed; expected a finite number ≥ 0, < 1/, SpecError],
    // ρ = 1 leaves RMSprop's and Adadelta's average at 0 (steps g/√ε, plain SGD); m = 1 sums every gradient.
    ['rho', () => optimizerSpec('rmsprop:rho=1'), /rmsprop parameter rho=1 is not allowed; expected a finite number ≥ 0, < 1/, SpecError],
    ['rho', () => optimizerSpec('adadelta:rho=1'), /adadelta parameter rho=1 is not allowed; expected a finite number ≥ 0, < 1/, SpecError],
    ['m', () => optimizerSpec('momentum:m=1'), /momentum parameter m=1 is not allowed; expected a finite number ≥ 0, < 1/, SpecError],
    // Nesterov without momentum is plain SGD under another name (PyTorch refuses it too).
    [
      'nesterov',
      () => optimizerSpec('momentum:m=0,nesterov=1'),
      /^momentum with nesterov=1 needs m > 0 .*give m > 0, e\.g\. m=0\.9, or leave nesterov out in 'momentum:m=0,nesterov=1'$/,
      SpecError,
    ],
    ['nesterov', () => optimizerSpec('momentum:nesterov=2'), /momentum parameter nesterov=2 is not allowed; expected an integer ≥ 0, ≤ 1/, SpecError],
    ['init', () => optimizerSpec('adagrad:init=-0.1'), /adagrad parameter init=-0.1 is not allowed; expected a finite number ≥ 0/, SpecError],
    ['eps', () => optimizerSpec('adagrad:eps=0'), /adagrad parameter eps=0 is not allowed; expected a finite number > 0/, SpecError],
    [
      'pattern',
      () => withLayerControls(chain(), { lrMult: [{ pattern: 'desne*', factor: 2 }] }, names),
      /learning-rate multiplier pattern 'desne\*' matches no weight; layers: conv2d_1, dense_2/,
      UsageError,
    ],
    [
      'auto-named layers',
      () =>
        withLayerControls(chain(), { lrMult: [{ pattern: 'dense_Dense1', factor: 0 }] }, ['dense_Dense5/kernel', 'dense_Dense5/bias', 'conv2d_Conv2D2/kernel']),
      /pattern 'dense_Dense1' matches no weight; .*names TF\.js numbers itself, such as dense_Dense5, change with every model built: match them with a glob \(dense\*\) or name the layers/,
      UsageError,
    ],
    [
      'factor',
      () => withLayerControls(chain(), { lrMult: [{ pattern: 'conv2d_1', factor: -1 }] }, names),
      /learning-rate multiplier of conv2d_1=-1 is not allowed/,
      SpecError,
    ],
    ['freeze', () => withLayerControls(chain(), { freeze: ['dense_9'] }, names), /freeze pattern 'dense_9' matches no weight/, UsageError],
    [
      'transform',
      () => gradientTransform('clip:1'),
      /unknown gradient transform 'clip'.*Accepted: clipvalue, clipnorm, clipglobalnorm, clipl1, scale, zero/,
      SpecError,
    ],
    ['value', () => gradientTransform('clipnorm:0'), /clipnorm parameter c=0 is not allowed; expected a finite number > 0/, SpecError],
  ])('%s', (_, f, message, kind) => {
    expect(f).toThrow(kind);
    expect(f).toThrow(message);
  });
});

describe('weights of one name in two nested models', () => {
  it('are refused before training, naming them (one was dropped from the optimiser, which failed at the first batch)', async () => {
    const sub = (name: string) => tf.sequential({ name, layers: [tf.layers.dense({ name: 'd', units: 2, inputShape: [3] })] });
    const input = tf.input({ shape: [3] });
    const both = tf.layers.concatenate().apply([sub('left').apply(input), sub('right').apply(input)] as tf.SymbolicTensor[]);
    const model = tf.model({ name: 'twins', inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(both) as tf.SymbolicTensor });
    const message = /two trainable weights of model twins are both named d\/kernel \(variables d\/kernel and d\/kernel_1\).*give their layers distinct names/;
    expect(() => optimizerFor(model, optimizerSpec('sgd').transform)).toThrow(message);
    const begun: string[] = [];
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 1);
    await expect(
      fit(
        model,
        { x, y: tf.zeros([4, 2]) },
        { epochs: 1, batchSize: 4, loss: 'meanSquaredError', callbacks: [{ onTrainBegin: () => void begun.push('begin') }] },
      ),
    ).rejects.toThrow(message);
    expect(begun).toEqual([]);
  });
});
