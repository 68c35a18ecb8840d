/**
 * The record is exactly true for model topologies beyond a chain of layers: a layer shared by two
 * branches, a nested model used twice, layers of the same name in nested models, a frozen nested
 * model, two inputs and two outputs. Each value is checked against one computed here by hand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachToKernels, constraint, fit, fitToFolder, loadModel, penalty, recordWeights, saveModel, tf } from '../../src/node.ts';

const init = (seed: number) => tf.initializers.randomUniform({ minval: -0.6, maxval: 0.6, seed });
/** Σ over the values of f(w), in float64. */
const sumOf = (t: tf.Tensor, f: (w: number) => number) => Array.from(t.dataSync()).reduce((s, w) => s + f(w), 0);
const l1 = (lambda: number) => (t: tf.Tensor) => lambda * sumOf(t, Math.abs);
const l2 = (lambda: number) => (t: tf.Tensor) => lambda * sumOf(t, (w) => w * w);

/** Inputs a, b → one Dense `shared` (L1 on its kernel, L2 on its bias) on each → outputs oa, ob. */
function sharedModel() {
  const a = tf.input({ shape: [3], name: 'a' });
  const b = tf.input({ shape: [3], name: 'b' });
  const shared = tf.layers.dense({
    name: 'shared',
    units: 2,
    kernelInitializer: init(1),
    kernelRegularizer: penalty('l1:0.1'),
    biasRegularizer: penalty('l2:0.2'),
  });
  const oa = tf.layers.dense({ name: 'oa', units: 1, kernelInitializer: init(2) }).apply(shared.apply(a)) as tf.SymbolicTensor;
  const ob = tf.layers.dense({ name: 'ob', units: 1, kernelInitializer: init(3) }).apply(shared.apply(b)) as tf.SymbolicTensor;
  return tf.model({ name: 'two_branches', inputs: [a, b], outputs: [oa, ob] });
}
const twoInputs = () => ({
  x: [tf.randomUniform([8, 3], -1, 1, 'float32', 1), tf.randomUniform([8, 3], -1, 1, 'float32', 2)],
  y: [tf.randomUniform([8, 1], -1, 1, 'float32', 3), tf.randomUniform([8, 1], -1, 1, 'float32', 4)],
});

/** A Sequential `name` of one Dense named `dense` (L1 on its kernel). */
const inner = (name: string) =>
  tf.sequential({
    name,
    layers: [tf.layers.dense({ name: 'dense', units: 2, inputShape: [3], kernelInitializer: init(5), kernelRegularizer: penalty('l1:0.1') })],
  });

/** inner1 called twice and inner2 once on one input, concatenated, → Dense `o`; inner2 frozen with `freeze`. */
function nestedModel(freeze = false) {
  const i1 = inner('inner1');
  const i2 = inner('inner2');
  if (freeze) i2.trainable = false;
  const a = tf.input({ shape: [3] });
  const joined = tf.layers.concatenate().apply([i1.apply(a), i1.apply(a), i2.apply(a)] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
  const o = tf.layers.dense({ name: 'o', units: 1, kernelInitializer: init(6) }).apply(joined) as tf.SymbolicTensor;
  return tf.model({ name: 'nested', inputs: a, outputs: o });
}
const oneInput = () => ({ x: tf.randomUniform([8, 3], -1, 1, 'float32', 1), y: tf.randomUniform([8, 1], -1, 1, 'float32', 3) });

describe('a layer shared by two branches, two inputs and two outputs', () => {
  it('fit counts its weights and its penalties once; the data loss is the sum of both outputs’ losses', async () => {
    const model = sharedModel();
    const d = twoInputs();
    const record = await fit(model, d, { epochs: 1, batchSize: 8, optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
    const [k, b] = model.getLayer('shared').getWeights() as [tf.Tensor, tf.Tensor];
    const last = record.epochs[0]!;
    // 3·2 + 2 shared, 2·1 + 1 per head: 14, not 22.
    expect(record.config.model?.weights).toBe(14);
    expect(record.config.weights.map((w) => w.name)).toEqual(['shared/kernel', 'shared/bias', 'oa/kernel', 'oa/bias', 'ob/kernel', 'ob/bias']);
    expect(last.layers.map((l) => [l.name, l.count])).toEqual([
      ['shared', 8],
      ['oa', 3],
      ['ob', 3],
    ]);
    expect(last.histogram.count).toBe(14);
    const inside = last.histogram.density.reduce((s, v) => s + v * ((last.histogram.hi - last.histogram.lo) / last.histogram.density.length), 0);
    expect(inside * 14 + last.histogram.below + last.histogram.above).toBeCloseTo(14, 6);
    expect(last.penaltyLoss).toBeCloseTo(l1(0.1)(k) + l2(0.2)(b), 6);
    const dataLoss = tf.tidy(() => (model.predict(d.x) as tf.Tensor[]).reduce((s, p, i) => s + tf.losses.meanSquaredError(d.y[i]!, p).dataSync()[0]!, 0));
    expect(last.trainLoss).toBeCloseTo(dataLoss, 6);
  });

  it('with TF.js’s own model.fit, which counts a shared layer’s penalties twice, recordWeights refuses, naming the layer', async () => {
    const model = sharedModel();
    const d = twoInputs();
    model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
    // TF.js's own count: the kernel's and the bias's terms, once per call of the layer.
    expect(tf.tidy(() => model.calculateLosses().length)).toBe(4);
    await expect(model.fit(d.x, d.y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [recordWeights(model)] })).rejects.toThrow(
      /layer shared is called 2 times.*counts its penalties 2 times/s,
    );
  });
});

describe('nested models: used twice, the same layer names, frozen', () => {
  it('fit counts a nested model used twice once; same-named layers are told apart by their path', async () => {
    const model = nestedModel();
    const record = await fit(model, oneInput(), { epochs: 1, batchSize: 8, optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const kernels = model.weights.filter((w) => w.originalName === 'dense/kernel').map((w) => w.read());
    expect(kernels).toHaveLength(2);
    expect(record.config.model?.weights).toBe(8 + 8 + 7);
    expect(record.config.weights.map((w) => `${w.layer}:${w.name}`)).toEqual([
      'inner1/dense:dense/kernel',
      'inner1/dense:dense/bias',
      'inner2/dense:dense/kernel',
      'inner2/dense:dense/bias',
      'o:o/kernel',
      'o:o/bias',
    ]);
    const last = record.epochs[0]!;
    expect(last.penaltyLoss).toBeCloseTo(l1(0.1)(kernels[0]!) + l1(0.1)(kernels[1]!), 6);
    expect(last.layers.map((l) => [l.name, l.count])).toEqual([
      ['inner1/dense', 8],
      ['inner2/dense', 8],
      ['o', 7],
    ]);
  });

  it('a frozen nested model: its weights and penalty apart, in nonTrainable; penaltyLoss still sums every penalty', async () => {
    const model = nestedModel(true);
    const record = await fit(model, oneInput(), { epochs: 1, batchSize: 8, optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const frozen = (model.getLayer('inner2') as tf.LayersModel).getLayer('dense').getWeights()[0]!;
    const trained = (model.getLayer('inner1') as tf.LayersModel).getLayer('dense').getWeights()[0]!;
    const last = record.epochs[0]!;
    expect(record.config.model?.trainableWeights).toBe(15);
    expect(last.layers.map((l) => l.name)).toEqual(['inner1/dense', 'o']);
    expect(last.nonTrainable?.count).toBe(8);
    expect(last.nonTrainable?.layers.map((l) => l.name)).toEqual(['inner2/dense']);
    expect(last.nonTrainable?.layers[0]?.penalty).toBeCloseTo(l1(0.1)(frozen), 6);
    expect(last.penaltyLoss).toBeCloseTo(l1(0.1)(frozen) + l1(0.1)(trained), 6);
  });

  it('with TF.js’s own model.fit, a nested model used twice (its penalties counted twice) is refused, naming its layer', async () => {
    const model = nestedModel();
    model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
    const d = oneInput();
    await expect(model.fit(d.x, d.y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [recordWeights(model)] })).rejects.toThrow(
      /layer inner1\/dense is called 2 times/,
    );
  });
});

describe('constraints in nested models of the same layer names', () => {
  it('each kernel’s projected share is its own, though both are named dense/kernel', async () => {
    // inner1's bound (0.01) projects every unit after every step; inner2's (100) none.
    const inner = (name: string, m: number) =>
      tf.sequential({
        name,
        layers: [tf.layers.dense({ name: 'dense', units: 2, inputShape: [3], kernelInitializer: init(5), kernelConstraint: constraint(`maxnorm:m=${m}`) })],
      });
    const a = tf.input({ shape: [3] });
    const joined = tf.layers.concatenate().apply([inner('inner1', 0.01).apply(a), inner('inner2', 100).apply(a)] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: a, outputs: tf.layers.dense({ name: 'o', units: 1, kernelInitializer: init(6) }).apply(joined) as tf.SymbolicTensor });
    const record = await fit(model, oneInput(), { epochs: 1, batchSize: 4, optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const norms = Object.fromEntries(record.epochs[0]!.norms.map((n) => [n.layer, n]));
    expect(norms['inner1/dense']?.max).toBeLessThanOrEqual(0.01 + 1e-6);
    expect(norms['inner1/dense']?.projected).toBe(1);
    expect(norms['inner2/dense']?.projected).toBe(0);
    expect(norms['o']?.projected).toBeUndefined();
  });
});

/** A layer whose kernel is another's, transposed (a tied decoder): the variable is in both layers' weights. */
class TiedDecoder extends tf.layers.Layer {
  static className = 'TiedDecoder';
  constructor(private readonly source: tf.layers.Layer) {
    super({ name: 'decoder' });
  }
  override build(): void {
    this.trainableWeights = [this.source.weights[0]!];
    this.built = true;
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    return [(shape as tf.Shape)[0]!, this.source.weights[0]!.shape[0] as number];
  }
  override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.matMul(Array.isArray(x) ? x[0]! : x, this.source.weights[0]!.read(), false, true);
  }
}

describe('weights tied between two layers', () => {
  it('a tied kernel is counted, penalised and trained once (by hand: one SGD step of mse + λ·Σ|K|)', async () => {
    const a = tf.input({ shape: [3] });
    const enc = tf.layers.dense({ name: 'enc', units: 2, useBias: false, kernelInitializer: init(1), kernelRegularizer: penalty('l1:0.1') });
    const model = tf.model({ inputs: a, outputs: new TiedDecoder(enc).apply(enc.apply(a)) as tf.SymbolicTensor });
    // TF.js lists the tied kernel once per layer holding it.
    expect(model.weights.map((w) => w.originalName)).toEqual(['enc/kernel', 'enc/kernel']);
    const x = tf.randomUniform([8, 3], -1, 1, 'float32', 1);
    const k0 = enc.getWeights()[0]!.clone();
    const objective = (k: tf.Tensor) => tf.add(tf.losses.meanSquaredError(x, tf.matMul(tf.matMul(x, k), k, false, true)), tf.mul(0.1, tf.sum(tf.abs(k))));
    const expected = tf.tidy(() => tf.sub(k0, tf.mul(0.1, tf.grad(objective)(k0))));
    const record = await fit(model, { x, y: x }, { epochs: 1, batchSize: 8, optimizer: 'sgd:lr=0.1', loss: 'meanSquaredError', shuffle: false });
    expect(record.config.model).toMatchObject({ weights: 6, trainableWeights: 6 });
    expect(record.config.weights.map((w) => `${w.layer}:${w.name}`)).toEqual(['enc:enc/kernel']);
    // Per-batch losses are kept to 3 significant digits.
    expect(record.epochs[0]!.batchLosses?.penalty?.[0]).toBeCloseTo(l1(0.1)(k0), 3);
    const k1 = enc.getWeights()[0]!;
    expect(Array.from(k1.dataSync()).map((v, i) => v - expected.dataSync()[i]!)).toEqual(Array.from({ length: 6 }, () => expect.closeTo(0, 6)));
    const last = record.epochs[0]!;
    expect(last.histogram.count).toBe(6);
    expect(last.penaltyLoss).toBeCloseTo(l1(0.1)(k1), 6);
  });
});

describe('the prune curve of a model with a tied weight', () => {
  it('counts the tied kernel once: 6 weights, 24 B dense, one layer entry', async () => {
    const a = tf.input({ shape: [3] });
    const enc = tf.layers.dense({ name: 'enc', units: 2, useBias: false, kernelInitializer: init(1) });
    const model = tf.model({ inputs: a, outputs: new TiedDecoder(enc).apply(enc.apply(a)) as tf.SymbolicTensor });
    const x = tf.randomUniform([8, 3], -1, 1, 'float32', 1);
    const record = await fit(
      model,
      { x, y: x },
      { epochs: 1, batchSize: 8, optimizer: 'sgd:lr=0.1', loss: 'meanSquaredError', validationData: [x, x], prune: { levels: [50] } },
    );
    const prune = record.epochs[0]!.prune!;
    expect(prune.weights).toBe(6);
    expect(prune.global[0]!.layers.map((l) => l.name)).toEqual(['enc/kernel']);
    expect(prune.global[0]!.size.dense).toBe(6 * 4);
    expect(prune.global[0]!.zeros).toBe(0.5);
  });
});

describe('a run of a model with a tied weight resumed from its folder', () => {
  it('ends bit-identical to an uninterrupted one (the optimiser state goes to the right weights)', async () => {
    const tied = () => {
      const a = tf.input({ shape: [3] });
      const enc = tf.layers.dense({ name: 'enc', units: 2, kernelInitializer: init(1), kernelRegularizer: penalty('l1:0.01') });
      const dec = new TiedDecoder(enc).apply(enc.apply(a)) as tf.SymbolicTensor;
      return tf.model({ inputs: a, outputs: tf.layers.dense({ name: 'out', units: 3, kernelInitializer: init(2) }).apply(dec) as tf.SymbolicTensor });
    };
    const x = tf.randomUniform([12, 3], -1, 1, 'float32', 1);
    const data = { x, y: x };
    const options = { batchSize: 4, optimizer: 'adam:lr=0.05', loss: 'meanSquaredError' as const, seed: 5, figures: false };
    const root = mkdtempSync(join(tmpdir(), 'penx-tied-'));
    try {
      const whole = tied();
      await fitToFolder(whole, data, { ...options, dir: join(root, 'whole'), epochs: 2 });
      await fitToFolder(tied(), data, { ...options, dir: join(root, 'parts'), epochs: 1 });
      const resumed = tied();
      await fitToFolder(resumed, data, { ...options, dir: join(root, 'parts'), epochs: 2, resume: true });
      expect(resumed.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(whole.getWeights().map((w) => Array.from(w.dataSync())));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('a frozen nested model through attachToKernels (the command line’s penalty on any model)', () => {
  /** a → Dense `first` → a frozen Sequential `frozen` (Dense `f`) → Dense `last`. */
  function withFrozen() {
    const frozen = tf.sequential({ name: 'frozen', layers: [tf.layers.dense({ name: 'f', units: 3, inputShape: [3], kernelInitializer: init(7) })] });
    frozen.trainable = false;
    const a = tf.input({ shape: [3] });
    const h = tf.layers.dense({ name: 'first', units: 3, kernelInitializer: init(8) }).apply(a) as tf.SymbolicTensor;
    const o = tf.layers.dense({ name: 'last', units: 1, kernelInitializer: init(9) }).apply(frozen.apply(h)) as tf.SymbolicTensor;
    return tf.model({ name: 'with_frozen', inputs: a, outputs: o });
  }

  it('stays frozen, every weight where it was, and is not trained', async () => {
    const model = withFrozen();
    const out = await attachToKernels(model, { penalty: penalty('l1:0.1'), penalizeBias: true });
    expect(out.trainableWeights.map((w) => w.originalName)).toEqual(['first/kernel', 'first/bias', 'last/kernel', 'last/bias']);
    expect(out.weights.map((w) => w.originalName)).toEqual(model.weights.map((w) => w.originalName));
    out.weights.forEach((w, i) => expect(Array.from(w.read().dataSync())).toEqual(Array.from(model.weights[i]!.read().dataSync())));
    const before = (out.getLayer('frozen') as tf.LayersModel).getWeights().map((t) => Array.from(t.dataSync()));
    const record = await fit(out, oneInput(), { epochs: 1, batchSize: 4, optimizer: 'sgd:lr=0.5', loss: 'meanSquaredError' });
    expect((out.getLayer('frozen') as tf.LayersModel).getWeights().map((t) => Array.from(t.dataSync()))).toEqual(before);
    expect(record.config.model?.trainableWeights).toBe(12 + 4);
    expect(record.epochs[0]!.nonTrainable?.layers.map((l) => [l.name, l.count])).toEqual([['frozen/f', 12]]);
  });

  it('a frozen nested model last in the model (its weights last either way) is not silently unfrozen', async () => {
    const frozen = tf.sequential({ name: 'frozen_head', layers: [tf.layers.dense({ name: 'fh', units: 1, inputShape: [3], kernelInitializer: init(7) })] });
    frozen.trainable = false;
    const a = tf.input({ shape: [3] });
    const h = tf.layers.dense({ name: 'body', units: 3, kernelInitializer: init(8) }).apply(a) as tf.SymbolicTensor;
    const out = await attachToKernels(tf.model({ inputs: a, outputs: frozen.apply(h) as tf.SymbolicTensor }), { penalty: penalty('l1:0.1') });
    expect(out.trainableWeights.map((w) => w.originalName)).toEqual(['body/kernel', 'body/bias']);
    const record = await fit(out, oneInput(), { epochs: 1, batchSize: 4, optimizer: 'sgd:lr=0.5', loss: 'meanSquaredError' });
    expect(record.config.weights.filter((w) => !w.trainable).map((w) => w.name)).toEqual(['fh/kernel', 'fh/bias']);
  });

  it('saveModel ─► loadModel keeps it frozen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'penx-frozen-'));
    try {
      await saveModel(withFrozen(), dir);
      const loaded = await loadModel(dir);
      expect(loaded.trainableWeights.map((w) => w.originalName)).toEqual(['first/kernel', 'first/bias', 'last/kernel', 'last/bias']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('one layer inside a nested model and in the model itself', () => {
  /** a → N (a model of Dense `L`) → L again → Dense `o`: L's weights are in model.weights twice. */
  function reused() {
    const L = tf.layers.dense({ name: 'L', units: 3, kernelInitializer: init(1), kernelRegularizer: penalty('l1:0.1') });
    const ni = tf.input({ shape: [3] });
    const N = tf.model({ name: 'N', inputs: ni, outputs: L.apply(ni) as tf.SymbolicTensor });
    const a = tf.input({ shape: [3] });
    const o = tf.layers.dense({ name: 'o', units: 1, kernelInitializer: init(2) }).apply(L.apply(N.apply(a) as tf.SymbolicTensor)) as tf.SymbolicTensor;
    return { model: tf.model({ inputs: a, outputs: o }), L };
  }

  it('fit trains it, its weights and penalty once, attributed to its first path', async () => {
    const { model, L } = reused();
    expect(model.weights.map((w) => w.originalName)).toEqual(['L/kernel', 'L/bias', 'L/kernel', 'L/bias', 'o/kernel', 'o/bias']);
    const record = await fit(model, oneInput(), { epochs: 1, batchSize: 8, optimizer: 'sgd:lr=0.1', loss: 'meanSquaredError' });
    expect(record.config.model).toMatchObject({ weights: 12 + 4, trainableWeights: 12 + 4 });
    expect(record.epochs[0]!.layers.map((l) => [l.name, l.count])).toEqual([
      ['N/L', 12],
      ['o', 4],
    ]);
    expect(record.epochs[0]!.penaltyLoss).toBeCloseTo(l1(0.1)(L.getWeights()[0]!), 6);
  });

  it('with TF.js’s own model.fit (which takes its penalty twice) recordWeights refuses, naming it', async () => {
    const { model } = reused();
    model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
    const d = oneInput();
    await expect(model.fit(d.x, d.y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [recordWeights(model)] })).rejects.toThrow(
      /layer N\/L is called 2 times/,
    );
  });
});
