import { describe, expect, it } from 'vitest';
import { fit, type PruneCurve, penalty, pruneCurve, pruneSmallest, pruneWeights, sizeOf, tf } from '../../src/index.ts';

/** Reference: zero the m = round(k·n/100) smallest |w| (stable: ties by position) over the concatenation of `parts`. */
function referencePrune(parts: Float32Array[], level: number): Float32Array[] {
  const all = parts.flatMap((p, t) => Array.from(p, (v, i) => ({ a: Math.abs(v), t, i })));
  all.sort((x, y) => x.a - y.a || x.t - y.t || x.i - y.i);
  const out = parts.map((p) => p.slice());
  for (const e of all.slice(0, Math.round((level / 100) * all.length))) out[e.t]![e.i] = 0;
  return out;
}

/** A small classifier: dense 6 → 8 (relu) → 3 (softmax), weights seeded. */
function tinyModel(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        name: 'h',
        units: 8,
        inputShape: [6],
        activation: 'relu',
        kernelInitializer: tf.initializers.randomNormal({ stddev: 0.8, seed: 1 }),
        biasInitializer: tf.initializers.constant({ value: 0.05 }),
      }),
      tf.layers.dense({ name: 'out', units: 3, activation: 'softmax', kernelInitializer: tf.initializers.randomNormal({ stddev: 0.8, seed: 2 }) }),
    ],
  });
}

function data(n: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.randomNormal([n, 6], 0, 1, 'float32', seed);
  const teacher = tf.randomNormal([6, 3], 0, 1, 'float32', seed + 1);
  return { x, y: tf.oneHot(tf.argMax(tf.matMul(x, teacher), 1), 3).toFloat() };
}

/** Test accuracy of `model` with its kernels replaced by `kernels`, computed directly. */
function directAccuracy(model: tf.LayersModel, kernels: Float32Array[], d: { x: tf.Tensor; y: tf.Tensor }): number {
  const copy = tinyModel();
  copy.setWeights(model.getWeights());
  [0, 2].forEach((wi, i) => (copy.weights[wi]!.read() as tf.Variable).assign(tf.tensor(kernels[i]!, copy.weights[wi]!.shape as number[])));
  const right = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(copy.predict(d.x) as tf.Tensor, 1), tf.argMax(d.y, 1)), 'float32')).dataSync()[0]!);
  copy.dispose();
  return right / (d.x.shape[0] ?? 1);
}

describe('magnitude pruning', () => {
  it('sets exactly the k % smallest |w| to 0, over several tensors (ties in order), without changing its input', () => {
    const a = Float32Array.of(0.3, -0.1, 0.2, 0.05, -0.2);
    const b = Float32Array.of(0.2, -0.01, 1, 0);
    for (const level of [0, 20, 50, 70, 90, 99.5]) expect(pruneSmallest([a, b], level)).toEqual(referencePrune([a, b], level));
    // 4 of 9 values: 0, −0.01, 0.05, −0.1; then the first 0.2 by position when a fifth is needed.
    expect(Array.from(pruneSmallest([a, b], 55)[0]!)).toEqual([0.3, 0, 0, 0, -0.2].map(Math.fround));
    expect(Array.from(a)).toEqual([0.3, -0.1, 0.2, 0.05, -0.2].map(Math.fround));
  });
});

describe('prune curve', () => {
  const levels = [0, 50, 80, 95];
  const test = data(300, 7);

  it('matches a direct computation on a tiny model, global and per layer, and restores the weights bit for bit', async () => {
    const model = tinyModel();
    await fit(model, data(256, 3), { epochs: 3, batchSize: 32, optimizer: 'adam:lr=0.02', loss: 'categoricalCrossentropy' });
    const before = model.weights.map((w) => Buffer.from((w.read().dataSync() as Float32Array).buffer.slice(0)));
    const progress: Array<[number, number]> = [];
    const curve: PruneCurve = await pruneCurve(model, test, {
      levels,
      loss: 'categoricalCrossentropy',
      onProgress: (done, total) => void progress.push([done, total]),
    });
    // One evaluation per level and scope, level 0 once: 4 + 3.
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7].map((d) => [d, 7]));
    const after = model.weights.map((w) => Buffer.from((w.read().dataSync() as Float32Array).buffer.slice(0)));
    after.forEach((b, i) => expect(b.equals(before[i]!), model.weights[i]!.originalName).toBe(true));

    const kernels = [model.weights[0]!, model.weights[2]!].map((w) => (w.read().dataSync() as Float32Array).slice());
    const biases = [model.weights[1]!, model.weights[3]!].map((w) => ({
      name: w.originalName,
      shape: w.shape as number[],
      values: w.read().dataSync() as Float32Array,
    }));
    expect(curve.weights).toBe(6 * 8 + 8 * 3);
    expect(curve.global.map((p) => p.level)).toEqual(levels);
    for (const [scope, points] of [
      ['global', curve.global],
      ['perLayer', curve.perLayer],
    ] as const) {
      for (const p of points) {
        const pruned = scope === 'global' ? referencePrune(kernels, p.level) : kernels.map((k) => referencePrune([k], p.level)[0]!);
        expect(p.testAcc, `${scope} ${p.level}`).toBeCloseTo(directAccuracy(model, pruned, test), 10);
        const zeros = pruned.reduce((s, k) => s + k.filter((v) => v === 0).length, 0);
        expect(p.zeros).toBeCloseTo(zeros / curve.weights, 10);
        expect(p.layers.map((l) => l.name)).toEqual(['h/kernel', 'out/kernel']);
        expect(p.size).toEqual(
          sizeOf(
            [
              ...pruned.map((values, i) => ({
                name: ['h/kernel', 'out/kernel'][i]!,
                shape: [
                  [6, 8],
                  [8, 3],
                ][i]!,
                values,
              })),
              ...biases,
            ],
            (n) => n.endsWith('kernel'),
          ),
        );
      }
    }
    expect(curve.perLayer[0]).toEqual(curve.global[0]);
    expect(curve.global.at(-1)!.testAcc!).toBeLessThan(curve.global[0]!.testAcc!);
    expect(curve.global.at(-1)!.size.sparse).toBeLessThan(curve.global[0]!.size.sparse);
  });

  it('fit records it after the epochs asked for; level 0 counts the exact zeros a proximal penalty left', async () => {
    const model = tinyModel();
    const reg = penalty('l1:0.02,prox');
    const withPenalty = tf.sequential({
      layers: [
        tf.layers.dense({ name: 'h', units: 8, inputShape: [6], activation: 'relu', kernelRegularizer: reg }),
        tf.layers.dense({ name: 'out', units: 3, activation: 'softmax', kernelRegularizer: reg }),
      ],
    });
    withPenalty.setWeights(model.getWeights());
    const record = await fit(withPenalty, data(256, 3), {
      epochs: 3,
      batchSize: 32,
      optimizer: 'sgd:lr=0.5',
      loss: 'categoricalCrossentropy',
      validationData: test,
      prune: { epochs: [2, 3], levels },
    });
    expect(record.epochs.map((e) => e.prune !== undefined)).toEqual([false, true, true]);
    const last = record.epochs.at(-1)!;
    const zeros = last.layers.flatMap((l) => l.weights!.filter((w) => w.kind === 'kernel')).reduce((s, w) => s + w.histogram.zeros, 0);
    expect(zeros).toBeGreaterThan(0);
    expect(last.prune!.global[0]!.zeros).toBeCloseTo(zeros / last.prune!.weights, 10);
    expect(last.prune!.global[0]!.testAcc).toBe(last.testAcc);
    await expect(fit(withPenalty, data(64, 3), { epochs: 1, batchSize: 32, loss: 'categoricalCrossentropy', prune: true })).rejects.toThrow(
      /prune curve needs validation data/,
    );
  });

  it('pruneWeights applies one level in place', () => {
    const model = tinyModel();
    const kernels = [model.weights[0]!, model.weights[2]!].map((w) => (w.read().dataSync() as Float32Array).slice());
    expect(pruneWeights(model, 80)).toEqual(['h/kernel', 'out/kernel']);
    const expected = referencePrune(kernels, 80);
    [0, 2].forEach((wi, i) => expect(model.weights[wi]!.read().dataSync()).toEqual(expected[i]));
    expect(() => pruneWeights(model, 100)).toThrow(/prune level 100 is not allowed/);
  });

  it("pruneWeights prunes only trainable kernels: a frozen layer's kernel, biases and BatchNormalization's weights stay bit for bit", () => {
    const init = (seed: number) => tf.initializers.randomNormal({ stddev: 0.8, seed });
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ name: 'h', units: 8, inputShape: [6], kernelInitializer: init(1), biasInitializer: init(4) }),
        tf.layers.batchNormalization({ name: 'bn', movingMeanInitializer: init(5), gammaInitializer: init(6) }),
        tf.layers.dense({ name: 'frozen', units: 5, trainable: false, kernelInitializer: init(2) }),
        tf.layers.dense({ name: 'out', units: 3, kernelInitializer: init(3) }),
      ],
    });
    const before = model.weights.map((w) => (w.read().dataSync() as Float32Array).slice());
    expect(pruneWeights(model, 90)).toEqual(['h/kernel', 'out/kernel']);
    const names = model.weights.map((w) => w.originalName);
    const kernels = ['h/kernel', 'out/kernel'].map((name) => names.indexOf(name));
    const expected = referencePrune(
      kernels.map((i) => before[i]!),
      90,
    );
    expect(names).toContain('frozen/kernel');
    expect(names).toContain('bn/moving_mean');
    model.weights.forEach((w, i) => {
      const k = kernels.indexOf(i);
      expect(w.read().dataSync(), w.originalName).toEqual(k < 0 ? before[i] : expected[k]);
    });
  });
});
