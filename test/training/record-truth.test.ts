/**
 * The run record is exactly true for any model (issue 19's numbered points): every penalty counted
 * where TF.js keeps it, every weight attributed, trainable and non-trainable apart, runs repeatable
 * from a seed, `fit` without an optimiser, and one meaning of `trainLoss`. Each value is checked
 * against one computed here by hand from the model's weights.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  attachToKernels,
  checkModelFitPenalties,
  fit,
  fitToFolder,
  penalty,
  penaltyCurves,
  type RunRecord,
  recordWeights,
  snapshots,
  tf,
  trainStep,
} from '../../src/node.ts';
import { normsGridSpec } from '../../src/viz/index.ts';

/** Every row of every inline data set of a Vega-Lite spec. */
function rowsOf(spec: unknown): Record<string, unknown>[] {
  if (Array.isArray(spec)) return spec.flatMap(rowsOf);
  if (spec === null || typeof spec !== 'object') return [];
  const o = spec as Record<string, unknown>;
  const own = o['data'] && Array.isArray((o['data'] as { values?: unknown }).values) ? (o['data'] as { values: Record<string, unknown>[] }).values : [];
  return [
    ...own,
    ...Object.entries(o)
      .filter(([k]) => k !== 'data')
      .flatMap(([, v]) => rowsOf(v)),
  ];
}

const root = mkdtempSync(join(tmpdir(), 'penx-truth-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const init = (seed: number) => tf.initializers.randomUniform({ minval: -0.6, maxval: 0.6, seed });

/** Σ over the values of f(w), in float64. */
const sumOf = (t: tf.Tensor, f: (w: number) => number) => Array.from(t.dataSync()).reduce((s, w) => s + f(w), 0);
const deadzone = (lambda: number, a: number) => (t: tf.Tensor) => lambda * sumOf(t, (w) => Math.max(0, Math.abs(w) - a));
const l1 = (lambda: number) => (t: tf.Tensor) => lambda * sumOf(t, Math.abs);
const l2 = (lambda: number) => (t: tf.Tensor) => lambda * sumOf(t, (w) => w * w);

/** The model's weight tensor whose name ends in `suffix` (exactly one). */
function weight(model: tf.LayersModel, suffix: string): tf.Tensor {
  const found = model.weights.filter((w) => w.originalName.endsWith(suffix));
  if (found.length !== 1) throw new Error(`${found.length} weights end in ${suffix}: ${model.weights.map((w) => w.originalName)}`);
  return found[0]!.read();
}

/** Tokens → Embedding (L2) → GRU (dead zone on its kernel, TF.js's L1 on its recurrent kernel) → Dense softmax. */
function gruModel(withPenalties = true) {
  const tokens = tf.input({ shape: [5], dtype: 'int32', name: 'tokens' });
  const emb = tf.layers
    .embedding({
      name: 'emb',
      inputDim: 7,
      outputDim: 3,
      embeddingsInitializer: init(1),
      ...(withPenalties ? { embeddingsRegularizer: penalty('l2:0.01') } : {}),
    })
    .apply(tokens) as tf.SymbolicTensor;
  const gru = tf.layers
    .gru({
      name: 'gru',
      units: 4,
      kernelInitializer: init(2),
      recurrentInitializer: init(3),
      ...(withPenalties ? { kernelRegularizer: penalty('deadzone:0.05,a=0.1'), recurrentRegularizer: tf.regularizers.l1({ l1: 0.02 }) } : {}),
    })
    .apply(emb) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'out', units: 2, activation: 'softmax', kernelInitializer: init(4) }).apply(gru) as tf.SymbolicTensor;
  return tf.model({ name: 'gru_model', inputs: tokens, outputs: out });
}

const tokenData = () => ({
  x: tf.tensor2d(
    Array.from({ length: 12 * 5 }, (_, i) => (i * 5 + Math.floor(i / 5)) % 7),
    [12, 5],
    'int32',
  ),
  y: tf.tensor1d(
    Array.from({ length: 12 }, (_, i) => i % 2),
    'float32',
  ),
});

/** Bidirectional LSTM (L1) → TimeDistributed Dense (L2) → pooling → a nested model (dead zone) → Dense. */
function wrappedModel() {
  const inner = tf.sequential({
    name: 'inner',
    layers: [
      tf.layers.dense({ name: 'inner_dense', units: 3, inputShape: [4], kernelInitializer: init(7), kernelRegularizer: penalty('deadzone:0.1,a=0.05') }),
    ],
  });
  const input = tf.input({ shape: [4, 3] });
  const bi = tf.layers
    .bidirectional({
      name: 'bi',
      layer: tf.layers.lstm({ units: 2, returnSequences: true, kernelInitializer: init(5), kernelRegularizer: penalty('l1:0.01') }) as tf.RNN,
    })
    .apply(input) as tf.SymbolicTensor;
  const td = tf.layers
    .timeDistributed({ name: 'td', layer: tf.layers.dense({ units: 4, kernelInitializer: init(6), kernelRegularizer: penalty('l2:0.03') }) })
    .apply(bi) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(td) as tf.SymbolicTensor;
  const nested = inner.apply(pooled) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'head', units: 2, activation: 'softmax', kernelInitializer: init(8) }).apply(nested) as tf.SymbolicTensor;
  return tf.model({ name: 'wrapped', inputs: input, outputs: out });
}

const seqData = () => ({
  x: tf.randomUniform([10, 4, 3], -1, 1, 'float32', 3),
  y: tf.tensor1d(
    Array.from({ length: 10 }, (_, i) => i % 2),
    'float32',
  ),
});

describe('1. penalties wherever TF.js keeps them', () => {
  it('a GRU’s kernel and recurrent penalties count: penaltyLoss by hand, and their gradient reaches the kernel', async () => {
    const model = gruModel();
    const { x, y } = tokenData();
    const byHand = () =>
      deadzone(0.05, 0.1)(weight(model, 'gru/kernel')) + l1(0.02)(weight(model, 'gru/recurrent_kernel')) + l2(0.01)(weight(model, 'emb/embeddings'));
    const record = await fit(model, { x, y }, { epochs: 1, batchSize: 12, optimizer: tf.train.sgd(0), loss: 'sparseCategoricalCrossentropy' });
    expect(byHand()).toBeGreaterThan(0.02);
    expect(record.initial.penaltyLoss).toBeCloseTo(byHand(), 5);
    expect(record.epochs[0]!.penaltyLoss).toBeCloseTo(byHand(), 5);
    const gru = record.epochs[0]!.layers.find((l) => l.name === 'gru')!;
    expect(gru.penalty).toBeCloseTo(deadzone(0.05, 0.1)(weight(model, 'gru/kernel')) + l1(0.02)(weight(model, 'gru/recurrent_kernel')), 5);

    // One SGD step with and without the penalties, from the same weights: the kernels differ by −lr·λ·∂φ.
    const plain = gruModel(false);
    plain.setWeights(model.getWeights());
    const before = Array.from(weight(model, 'gru/kernel').dataSync());
    const r = await trainStep(model, tf.train.sgd(1), x, y, { loss: 'sparseCategoricalCrossentropy' });
    await trainStep(plain, tf.train.sgd(1), x, y, { loss: 'sparseCategoricalCrossentropy' });
    expect(r.penaltyLoss).toBeGreaterThan(deadzone(0.05, 0.1)(tf.tensor(before)));
    const diff = tf.sub(weight(model, 'gru/kernel'), weight(plain, 'gru/kernel')).dataSync();
    before.forEach((w, i) => expect(diff[i]).toBeCloseTo(Math.abs(w) > 0.1 ? -0.05 * Math.sign(w) : 0, 5));
  });

  it('a Bidirectional LSTM, a TimeDistributed layer and a nested model: every penalty counted, by hand', async () => {
    const model = wrappedModel();
    const { x, y } = seqData();
    const record = await fit(model, { x, y }, { epochs: 1, batchSize: 10, optimizer: tf.train.sgd(0), loss: 'sparseCategoricalCrossentropy' });
    const find = (re: RegExp) => model.weights.filter((w) => re.test(w.originalName)).map((w) => w.read());
    const [forward, backward, td] = [find(/forward_.*\/kernel$/), find(/backward_.*\/kernel$/), find(/^td\/kernel$/)];
    expect([forward.length, backward.length, td.length]).toEqual([1, 1, 1]);
    const byHand = l1(0.01)(forward[0]!) + l1(0.01)(backward[0]!) + l2(0.03)(td[0]!) + deadzone(0.1, 0.05)(weight(model, 'inner_dense/kernel'));
    expect(record.epochs[0]!.penaltyLoss).toBeCloseTo(byHand, 5);
    const specs = Object.fromEntries(record.config.weights.filter((w) => w.penalty).map((w) => [w.name, w.penalty!.spec]));
    expect(Object.values(specs).sort()).toEqual(['deadzone:0.1,a=0.05', 'l1:0.01', 'l1:0.01', 'l2:0.03']);
  });

  it('attachToKernels puts the penalty on recurrent kernels too (in wrappers and nested models)', async () => {
    const model = await attachToKernels(wrappedModel(), { penalty: penalty('l1:0.001') });
    const gru = await attachToKernels(gruModel(false), { penalty: penalty('l1:0.001') });
    const { x, y } = seqData();
    const record = await fit(model, { x, y }, { epochs: 1, batchSize: 10, optimizer: tf.train.sgd(0), loss: 'sparseCategoricalCrossentropy' });
    const kernels = model.weights.filter((w) => /(kernel|embeddings)$/.test(w.originalName));
    expect(record.epochs[0]!.penaltyLoss).toBeCloseTo(
      kernels.reduce((s, w) => s + l1(0.001)(w.read()), 0),
      6,
    );
    const penalised = record.config.weights.filter((w) => w.penalty).map((w) => w.name.split('/').at(-1));
    expect(penalised).toContain('recurrent_kernel');
    const g = tokenData();
    const gr = await fit(gru, g, { epochs: 1, batchSize: 12, optimizer: tf.train.sgd(0), loss: 'sparseCategoricalCrossentropy' });
    const gruKernels = gru.weights.filter((w) => /(kernel|embeddings)$/.test(w.originalName));
    expect(gr.epochs[0]!.penaltyLoss).toBeCloseTo(
      gruKernels.reduce((s, w) => s + l1(0.001)(w.read()), 0),
      6,
    );
  });

  it('with TF.js’s own model.fit, a penalty it would drop (a GRU’s) stops the run with a clear error', async () => {
    const model = gruModel();
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const { x, y } = tokenData();
    await expect(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [recordWeights(model)] })).rejects.toThrow(/gru\/kernel.*TF\.js's own model\.fit/s);
  });

  it('checkModelFitPenalties says it beforehand, of a Sequential model not compiled yet too (which it leaves unbuilt)', () => {
    const seq = () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ name: 'sq_a', units: 3, inputShape: [4], kernelRegularizer: penalty('l1:0.1') }),
          tf.layers.dense({ name: 'sq_b', units: 2, kernelRegularizer: tf.regularizers.l2({ l2: 0.1 }) }),
        ],
      });
    const plain = seq();
    // TF.js's model.fit counts each of its layers' penalties once: nothing to say (not "called 0 times").
    expect(() => checkModelFitPenalties(plain)).not.toThrow();
    expect(plain.built).toBe(false);
    const withGru = tf.sequential({ layers: [tf.layers.gru({ name: 'sq_gru', units: 2, inputShape: [3, 2], kernelRegularizer: penalty('l1:0.1') })] });
    expect(() => checkModelFitPenalties(withGru)).toThrow(/the penalty on sq_gru\/kernel is kept on its GRUCell, where TF\.js's own model\.fit does not look/);
  });

  it('a Sequential whose first layer is a Sequential: TF.js’s model.fit counts its penalty once, and recordWeights records it (not "called 0 times")', async () => {
    const inner = tf.sequential({
      name: 'sis_inner',
      layers: [tf.layers.dense({ name: 'sis_d', units: 2, inputShape: [3], kernelInitializer: init(21), kernelRegularizer: tf.regularizers.l1({ l1: 0.5 }) })],
    });
    const model = tf.sequential({ layers: [inner, tf.layers.dense({ name: 'sis_out', units: 1, kernelInitializer: 'zeros', useBias: false })] });
    model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
    // Compiled, the model trains through the functional model it wraps, where the inner model is flattened into its layers.
    expect(() => checkModelFitPenalties(model)).not.toThrow();
    const recorder = recordWeights(model);
    let logged = Number.NaN;
    const spy = new tf.CustomCallback({ onBatchEnd: async (_b, logs) => void (logged = logs!['loss'] as number) });
    await model.fit(tf.ones([4, 3]), tf.zeros([4, 1]), { epochs: 1, batchSize: 4, verbose: 0, callbacks: [recorder, spy] });
    // Output 0 (zero head), target 0: the logged loss is the penalty alone, once.
    const byHand = l1(0.5)(weight(model, 'sis_d/kernel'));
    expect(logged).toBeCloseTo(byHand, 5);
    expect(recorder.record!.epochs[0]!.penaltyLoss).toBeCloseTo(byHand, 6);
    expect(recorder.record!.epochs[0]!.trainLoss).toBeCloseTo(0, 6);
  });
});

describe('2. attribution, per weight', () => {
  /** Dense (TF.js's L1, MaxNorm) → Dense (dead zone) → Dense (none), a constraint on the first only. */
  const mixed = () =>
    tf.sequential({
      name: 'mixed',
      layers: [
        tf.layers.dense({
          name: 'a',
          units: 6,
          inputShape: [4],
          activation: 'relu',
          kernelInitializer: init(11),
          kernelRegularizer: tf.regularizers.l1({ l1: 0.01 }),
          kernelConstraint: tf.constraints.maxNorm({ maxValue: 0.9, axis: 0 }),
        }),
        tf.layers.dense({ name: 'b', units: 5, activation: 'relu', kernelInitializer: init(12), kernelRegularizer: penalty('deadzone:0.02,a=0.2') }),
        tf.layers.dense({ name: 'c', units: 3, activation: 'softmax', kernelInitializer: init(13) }),
      ],
    });
  const data = () => ({
    x: tf.randomUniform([30, 4], -1, 1, 'float32', 5),
    y: tf.tensor1d(
      Array.from({ length: 30 }, (_, i) => i % 3),
      'float32',
    ),
  });

  it('each weight’s penalty and constraint are recorded — TF.js’s own too — and penaltyLoss is the sum of the per-weight terms', async () => {
    const model = mixed();
    const record = await fit(model, data(), { epochs: 2, batchSize: 10, optimizer: 'adam:lr=0.01', loss: 'sparseCategoricalCrossentropy' });
    const byName = Object.fromEntries(record.config.weights.map((w) => [w.name, w]));
    expect(byName['a/kernel']!.penalty).toMatchObject({ source: 'tfjs', spec: 'tfjs.L1L2:l1=0.01,l2=0', strength: 0.01 });
    expect(byName['a/kernel']!.constraint).toMatchObject({ source: 'tfjs', spec: 'tfjs.MaxNorm:maxValue=0.9,axis=0', bounds: { max: 0.9, axis: 0 } });
    expect(byName['b/kernel']!.penalty).toMatchObject({ source: 'builtin', spec: 'deadzone:0.02,a=0.2', strength: 0.02 });
    expect(byName['b/kernel']!.constraint).toBeUndefined();
    expect(byName['c/kernel']!.penalty).toBeUndefined();
    for (const s of snapshots(record)) {
      const terms = s.layers.flatMap((l) => l.weights!.map((w) => w.penalty ?? 0));
      expect(s.penaltyLoss).toBeCloseTo(
        terms.reduce((a, b) => a + b, 0),
        9,
      );
    }
    const last = record.epochs.at(-1)!;
    expect(last.penaltyLoss).toBeCloseTo(l1(0.01)(weight(model, 'a/kernel')) + deadzone(0.02, 0.2)(weight(model, 'b/kernel')), 6);
    // The constraint covers layer a only: the norms figure draws its bounds there and nowhere else.
    const grid = rowsOf(normsGridSpec(record));
    const boundLayers = new Set(grid.filter((r) => r['kind'] === 'bound').map((r) => r['layer']));
    expect([...boundLayers]).toEqual(['a']);
  });

  it('threads: `parallel` only where a batch was shared by several (a caller saying `data` for one thread is not believed)', async () => {
    const one = await fit(mixed(), data(), { epochs: 1, batchSize: 10, loss: 'sparseCategoricalCrossentropy', info: { threads: 1, parallel: 'data' } });
    expect(one.config.threads).toBe(1);
    expect(one.config).not.toHaveProperty('parallel');
    const two = await fit(mixed(), data(), { epochs: 1, batchSize: 10, loss: 'sparseCategoricalCrossentropy', info: { threads: 2, parallel: 'threads' } });
    expect(two.config).toMatchObject({ threads: 2, parallel: 'threads' });
  });

  it('an Embedding’s penalty is in the record’s penalty', async () => {
    const record = await fit(gruModel(), tokenData(), { epochs: 1, batchSize: 6, optimizer: 'sgd:lr=0.1', loss: 'sparseCategoricalCrossentropy' });
    expect(record.config.penalty).toContain('l2:0.01');
    expect(record.config.weights.find((w) => w.name === 'emb/embeddings')!.penalty!.spec).toBe('l2:0.01');
  });

  it('the penalty-shapes figure draws every distinct penalty of a run whose layers differ', async () => {
    const record = await fit(mixed(), data(), { epochs: 1, batchSize: 10, optimizer: 'sgd:lr=0.1', loss: 'sparseCategoricalCrossentropy' });
    const { curves, missing } = await penaltyCurves([record]);
    expect(missing).toEqual([]);
    expect(curves.map((c) => c.spec).sort()).toEqual(['deadzone:0.02,a=0.2', 'tfjs.L1L2:l1=0.01,l2=0']);
    const l1Curve = curves.find((c) => c.spec.startsWith('tfjs'))!;
    expect(l1Curve.points.find((p) => p.w === 0.5)!.value).toBeCloseTo(0.005, 9);
  });
});

describe('3. trainable and non-trainable weights apart', () => {
  it('BatchNormalization’s moving statistics are not among "all weights"; they are recorded apart', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ name: 'd', units: 6, inputShape: [4], kernelInitializer: init(21) }),
        tf.layers.batchNormalization({ name: 'bn' }),
        tf.layers.dense({ name: 'o', units: 2, activation: 'softmax', kernelInitializer: init(22) }),
      ],
    });
    const trainable = model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
    const record = await fit(
      model,
      { x: tf.randomUniform([16, 4], -1, 1, 'float32', 9), y: tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 2)) },
      { epochs: 1, batchSize: 8, optimizer: 'sgd:lr=0.1', loss: 'sparseCategoricalCrossentropy' },
    );
    for (const s of snapshots(record)) {
      expect(s.histogram.count).toBe(trainable);
      expect(s.layers.reduce((n, l) => n + l.count, 0)).toBe(trainable);
      expect(s.nonTrainable!.count).toBe(12);
      expect(s.nonTrainable!.layers.map((l) => l.weights!.map((w) => [w.name, w.trainable]))).toEqual([
        [
          ['bn/moving_mean', false],
          ['bn/moving_variance', false],
        ],
      ]);
    }
    expect(record.config.weights.filter((w) => !w.trainable).map((w) => w.name)).toEqual(['bn/moving_mean', 'bn/moving_variance']);
  });

  it('with TF.js’s own model.fit, a layer unfrozen after compile (which it does not train) is refused; one frozen after compile is recorded apart, unchanged', async () => {
    const make = (trainable: boolean) =>
      tf.sequential({
        layers: [
          tf.layers.dense({ name: 'tc_a', units: 4, inputShape: [4], trainable, kernelInitializer: init(23) }),
          tf.layers.dense({ name: 'tc_o', units: 2, activation: 'softmax', kernelInitializer: init(24) }),
        ],
      });
    const x = tf.randomUniform([8, 4], -1, 1, 'float32', 5);
    const y = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1]);
    const quiet = vi.spyOn(console, 'warn').mockImplementation(() => undefined); // TF.js's own "Discrepancy …" warning
    try {
      const unfrozen = make(false);
      unfrozen.compile({ optimizer: tf.train.sgd(0.5), loss: 'sparseCategoricalCrossentropy' });
      unfrozen.getLayer('tc_a').trainable = true;
      await expect(unfrozen.fit(x, y, { epochs: 1, verbose: 0, callbacks: [recordWeights(unfrozen)] })).rejects.toThrow(
        /^tc_a\/kernel, tc_a\/bias are trainable now but were not when the model was compiled: TF\.js's own model\.fit trains only the weights trainable at compile.*call model\.compile again/,
      );
      const frozen = make(true);
      frozen.compile({ optimizer: tf.train.sgd(0.5), loss: 'sparseCategoricalCrossentropy' });
      frozen.getLayer('tc_a').trainable = false;
      const before = Array.from(frozen.getLayer('tc_a').getWeights()[0]!.dataSync());
      const recorder = recordWeights(frozen);
      await frozen.fit(x, y, { epochs: 1, verbose: 0, callbacks: [recorder] });
      expect(Array.from(frozen.getLayer('tc_a').getWeights()[0]!.dataSync())).toEqual(before);
      expect(recorder.record!.epochs[0]!.nonTrainable?.layers.map((l) => l.name)).toEqual(['tc_a']);
      expect(recorder.record!.epochs[0]!.histogram.count).toBe(4 * 2 + 2);
    } finally {
      quiet.mockRestore();
    }
  });
});

describe('4. a seed makes a run repeatable, random layers included', () => {
  const noisy = () =>
    tf.sequential({
      layers: [
        // Named: the model built again for a resume names its weights as the record does.
        tf.layers.dense({ name: 'hidden', units: 8, inputShape: [6], kernelInitializer: init(31) }),
        tf.layers.reshape({ targetShape: [4, 2] }),
        tf.layers.spatialDropout1d({ rate: 0.3 }),
        tf.layers.flatten(),
        tf.layers.gaussianNoise({ stddev: 0.3 }),
        tf.layers.dropout({ rate: 0.4 }),
        tf.layers.dense({ name: 'out', units: 3, activation: 'softmax', kernelInitializer: init(32) }),
      ],
    });
  const data = () => ({ x: tf.randomUniform([24, 6], -1, 1, 'float32', 13), y: tf.tensor1d(Array.from({ length: 24 }, (_, i) => i % 3)) });
  const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

  it('two runs with the same seed end bit-identical; another seed differs', async () => {
    const run = async (seed: number) => {
      const m = noisy();
      await fit(m, data(), { epochs: 2, batchSize: 8, optimizer: 'adam:lr=0.05', loss: 'sparseCategoricalCrossentropy', seed });
      return weightsOf(m);
    };
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('two runs with the same seed record the same, but for times: the model named as given, or as TF.js names it without its count', async () => {
    // Layers named as given (their weights' names are the model's own, recorded as they are); the model left to
    // TF.js's automatic names, sequential_1, sequential_2, … (model1, … for tf.model), a count per process.
    const named = () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ name: 'hidden', units: 8, inputShape: [6], activation: 'relu', kernelInitializer: init(33) }),
          tf.layers.dropout({ name: 'drop', rate: 0.4 }),
          tf.layers.dense({ name: 'out', units: 3, activation: 'softmax', kernelInitializer: init(34) }),
        ],
      });
    const functional = () => {
      const input = tf.input({ shape: [6] });
      const out = tf.layers.dense({ name: 'out', units: 3, activation: 'softmax', kernelInitializer: init(35) }).apply(input) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: out });
    };
    /** The record without its times (when it ran, how long each epoch took). */
    const timeless = (r: RunRecord) => {
      const { startedAt: _started, ...config } = r.config;
      return { ...r, config, sessions: r.sessions?.map(({ startedAt: _s, ...rest }) => rest), epochs: r.epochs.map(({ seconds: _t, ...rest }) => rest) };
    };
    const run = (m: tf.LayersModel) => fit(m, data(), { epochs: 2, batchSize: 8, optimizer: 'adam:lr=0.05', loss: 'sparseCategoricalCrossentropy', seed: 9 });
    const [a, b] = [named(), named()];
    expect(a.name).not.toBe(b.name);
    const [ra, rb] = [await run(a), await run(b)];
    expect(ra.config.model?.name).toBe('sequential');
    expect(ra.config.name).toBe('sequential');
    expect(timeless(rb)).toEqual(timeless(ra));
    const [fa, fb] = [functional(), functional()];
    const [rfa, rfb] = [await run(fa), await run(fb)];
    expect(rfa.config.model?.name).toBe('model');
    expect(timeless(rfb)).toEqual(timeless(rfa));
    const given = named();
    given.name = 'my_mlp';
    expect((await run(given)).config.model?.name).toBe('my_mlp');
  });

  it('a run resumed from its folder ends bit-identical to an uninterrupted one', async () => {
    const options = { batchSize: 8, optimizer: 'adam:lr=0.05', loss: 'sparseCategoricalCrossentropy' as const, seed: 5, figures: false };
    const whole = noisy();
    await fitToFolder(whole, data(), { ...options, dir: join(root, 'whole'), epochs: 3 });
    const parts = noisy();
    await fitToFolder(parts, data(), { ...options, dir: join(root, 'parts'), epochs: 1 });
    const resumed = noisy();
    await fitToFolder(resumed, data(), { ...options, dir: join(root, 'parts'), epochs: 3, resume: true });
    expect(weightsOf(resumed)).toEqual(weightsOf(whole));
  });
});

describe('5. fit without an optimiser', () => {
  it('trains with Adam, as its type says (fitToFolder too)', async () => {
    const make = () => tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'softmax', kernelInitializer: init(41) })] });
    const d = { x: tf.randomUniform([8, 3], -1, 1, 'float32', 2), y: tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1]) };
    const [a, b, c] = [make(), make(), make()];
    const ra: RunRecord = await fit(a, d, { epochs: 2, batchSize: 4, loss: 'sparseCategoricalCrossentropy' });
    await fit(b, d, { epochs: 2, batchSize: 4, loss: 'sparseCategoricalCrossentropy', optimizer: 'adam' });
    await fitToFolder(c, d, { dir: join(root, 'no-optimizer'), epochs: 2, batchSize: 4, loss: 'sparseCategoricalCrossentropy', figures: false });
    expect(ra.config.optimizer).toMatch(/^adam:/);
    expect(a.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(b.getWeights().map((w) => Array.from(w.dataSync())));
    expect(c.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(b.getWeights().map((w) => Array.from(w.dataSync())));
  });
});

describe('6. trainLoss has one meaning: the data loss, without penalties', () => {
  it('fit and recordWeights with model.fit record the same trainLoss and penaltyLoss', async () => {
    const make = () =>
      tf.sequential({
        layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax', kernelInitializer: init(51), kernelRegularizer: penalty('l2:0.5') })],
      });
    const d = {
      x: tf.randomUniform([20, 4], -1, 1, 'float32', 4),
      y: tf.oneHot(
        tf.tensor1d(
          Array.from({ length: 20 }, (_, i) => i % 3),
          'int32',
        ),
        3,
      ),
    };
    const a = make();
    const b = make();
    // The data loss of the untrained model: one full batch trains from exactly these weights.
    const dataLoss = tf.tidy(
      () =>
        tf.metrics
          .categoricalCrossentropy(d.y, a.predict(d.x) as tf.Tensor)
          .mean()
          .dataSync()[0] ?? NaN,
    );
    const viaFit = await fit(a, d, { epochs: 1, batchSize: 20, optimizer: 'sgd:lr=0.1', shuffle: false });
    b.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const recorder = recordWeights(b);
    await b.fit(d.x, d.y, { epochs: 1, batchSize: 20, shuffle: false, verbose: 0, callbacks: [recorder] });
    const viaModelFit = recorder.record!;
    expect(viaFit.epochs[0]!.trainLoss).toBeCloseTo(dataLoss, 5);
    expect(viaModelFit.epochs[0]!.trainLoss).toBeCloseTo(dataLoss, 5);
    expect(viaModelFit.epochs[0]!.penaltyLoss).toBeCloseTo(l2(0.5)(b.getWeights()[0]!), 5);
    expect(viaFit.epochs[0]!.penaltyLoss).toBeCloseTo(l2(0.5)(a.getWeights()[0]!), 5);
  });
});
