import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunJson } from '../../src/folders/records.ts';
import { loadModel, saveModel, tf } from '../../src/node.ts';
import { writeDataset } from '../data/idx-files.ts';
// Their layer classes registered here too, to load the runs' checkpoints.
import '../fixtures/models/registered-bias.ts';
import '../fixtures/models/registered-bias-own.ts';
import '../fixtures/models/registered-layer-taking.ts';
import { penx, penxWith, type Run } from './run-penx.ts';
import { recordAsWritten, tree } from './tree.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const readRun = readRunJson;

// 12×12 RGB images in 5 classes, as 4-D IDX files (an image set that is not MNIST-shaped).
const data = join(root, 'rgb');
writeDataset(data, 64, 20, { shape: [12, 12, 3], classes: 5, prefix: 'tiny-', gzip: true });
/**
 * One thread (a second's start of the shard workers a run saves): a test about threads gives
 * `--threads 2` after these (the last one given counts).
 */
const SMALL = ['--data', data, '--epochs', '1', '--batch-size', '16', '--threads', '1', '--out', join(root, 'runs')];
/** SMALL without figures, for the tests about the record (drawing is most of such a run's time). */
const RECORDED = [...SMALL, '--no-figures'];

describe('penx train --model', () => {
  it('trains a model module on an RGB set with 5 classes, the penalty on every kernel', async () => {
    const r = await penx('train', '--penalty', 'l1:1e-4', '--model', './test/fixtures/models/strided-cnn.ts', '--name', 'module', ...SMALL);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/12×12×3, 5 classes/);
    const run = readRun(join(root, 'runs', 'module'));
    expect(run.config.model).toEqual({
      name: 'strided_cnn',
      source: './test/fixtures/models/strided-cnn.ts',
      weights: 3 * 3 * 3 * 4 + 4 + 3 * 3 * 4 * 6 + 6 + 6 * 6 * 6 * 5 + 5,
      trainableWeights: 3 * 3 * 3 * 4 + 4 + 3 * 3 * 4 * 6 + 6 + 6 * 6 * 6 * 5 + 5,
      inputShape: [12, 12, 3],
      outputShape: [5],
    });
    expect(run.config.penalty).toBe('l1:1e-4');
    expect(run.epochs[0]!.layers.map((l) => [l.name, l.penalty > 0])).toEqual([
      ['conv_a', true],
      ['conv_b', true],
      ['head', true],
    ]);
    expect(existsSync(join(root, 'runs', 'module', 'report.html'))).toBe(true);
  }, 120_000);

  it('trains a saved TF.js model (a model.json folder), saying which of its penalties the run replaced', async () => {
    const dir = join(root, 'saved');
    const model = tf.sequential({
      name: 'saved_dense',
      layers: [
        tf.layers.flatten({ inputShape: [12, 12, 3] }),
        tf.layers.dense({ name: 'saved_hidden', units: 8, activation: 'relu', kernelRegularizer: tf.regularizers.l1({ l1: 1e-3 }) }),
        tf.layers.dense({ units: 5, activation: 'softmax' }),
      ],
    });
    await saveModel(model, dir);
    const r = await penx('train', '--penalty', 'deadzone:1e-4', '--model', dir, '--name', 'folder', ...RECORDED);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`model folder ${dir}: penx puts the run's penalty and constraint on every kernel in place of the model's own`);
    expect(r.stderr).toContain('saved_hidden/kernel: penalty tfjs.L1L2:l1=0.001,l2=0 → deadzone:1e-4,a=0.25');
    const run = readRun(join(root, 'runs', 'folder'));
    expect(run.config.model).toMatchObject({ name: 'saved_dense', source: dir, inputShape: [12, 12, 3], outputShape: [5] });
    expect(run.config.penalty).toBe('deadzone:1e-4,a=0.25');
  }, 120_000);

  it('trains a saved model of other layers (depthwise, separable, BatchNormalization, transposed, LSTM, a frozen nested model, a shared layer): its record true by hand', async () => {
    const dir = join(root, 'saved-odd');
    const input = tf.input({ shape: [12, 12, 3] });
    const chain = [
      tf.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, depthwiseRegularizer: tf.regularizers.l2({ l2: 0.01 }) }),
      tf.layers.separableConv2d({ name: 'sep', filters: 4, kernelSize: 3, strides: 2 }),
      tf.layers.batchNormalization({ name: 'bn', gammaRegularizer: tf.regularizers.l2({ l2: 0.05 }) }),
      tf.layers.conv2dTranspose({ name: 'up', filters: 2, kernelSize: 2, strides: 2 }),
      tf.layers.reshape({ targetShape: [8, 16] }),
      tf.layers.lstm({ name: 'lstm', units: 4 }),
      tf.sequential({ name: 'inner', layers: [tf.layers.dense({ name: 'd', units: 4, inputShape: [4], trainable: false })] }),
    ];
    const shared = tf.layers.dense({ name: 'shared', units: 4, activation: 'tanh' });
    const h = chain.reduce<tf.SymbolicTensor>((t, l) => l.apply(t) as tf.SymbolicTensor, input);
    const out = tf.layers.dense({ name: 'head', units: 5, activation: 'softmax' }).apply(shared.apply(shared.apply(h))) as tf.SymbolicTensor;
    await saveModel(tf.model({ name: 'odd', inputs: input, outputs: out }), dir);
    // On two threads: the note that BatchNormalization keeps it on one.
    const r = await penx('train', '--penalty', 'l1:1e-3', '--model', dir, '--name', 'odd', ...RECORDED, '--threads', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('dw/depthwise_kernel: penalty tfjs.L1L2:l1=0,l2=0.01 → l1:0.001');
    expect(r.stderr).toMatch(/one thread: layer bn \(BatchNormalization\) uses the whole batch's statistics/);
    const run = readRun(join(root, 'runs', 'odd'));
    const trained = await loadModel(join(root, 'runs', 'odd', 'checkpoint', 'model'));
    const values = (name: string) => {
      const found = trained.weights.filter((w) => w.originalName === name);
      expect(found, name).toHaveLength(1);
      return Array.from(found[0]!.read().dataSync());
    };
    // The run's l1 on every kernel (the frozen one's and the shared one's once), the model's own l2 on bn/gamma.
    const kernels = [
      'dw/depthwise_kernel',
      'sep/depthwise_kernel',
      'sep/pointwise_kernel',
      'up/kernel',
      'lstm/kernel',
      'lstm/recurrent_kernel',
      'd/kernel',
      'shared/kernel',
      'head/kernel',
    ];
    const penalised = run.config.weights.filter((w) => w.penalty).map((w) => [w.name, w.penalty!.spec]);
    expect(penalised.sort()).toEqual([...kernels.map((k) => [k, 'l1:0.001']), ['bn/gamma', 'tfjs.L1L2:l1=0,l2=0.05']].sort());
    const byHand =
      kernels.reduce((s, k) => s + 1e-3 * values(k).reduce((t, v) => t + Math.abs(v), 0), 0) + 0.05 * values('bn/gamma').reduce((t, v) => t + v * v, 0);
    const last = run.epochs.at(-1)!;
    expect(Math.abs(last.penaltyLoss - byHand)).toBeLessThanOrEqual(1e-6 * byHand);
    // Every weight once: trainable ones in the histogram, the moving statistics and the frozen layer's apart.
    const size = (ws: tf.LayerVariable[]) => [...new Set(ws)].reduce((n, w) => n + (w.shape as number[]).reduce((p, d) => p * d, 1), 0);
    expect(last.histogram.count).toBe(size(trained.trainableWeights));
    expect(last.nonTrainable?.count).toBe(size(trained.weights) - size(trained.trainableWeights));
    expect(last.nonTrainable?.count).toBe(2 * 4 + 4 * 4 + 4);
    expect(last.layers.map((l) => l.name)).toEqual(['dw', 'sep', 'bn', 'up', 'lstm', 'shared', 'head']);
    expect(last.nonTrainable?.layers.map((l) => [l.name, l.weights!.map((w) => w.name)])).toEqual([
      ['bn', ['bn/moving_mean', 'bn/moving_variance']],
      ['inner/d', ['d/kernel', 'd/bias']],
    ]);
    trained.dispose();
  }, 120_000);

  it('refuses a saved model whose weights are NaN before training as such (exit 2), making no run folder', async () => {
    const dir = join(root, 'saved-nan');
    const model = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [12, 12, 3] }), tf.layers.dense({ name: 'nan_out', units: 5, activation: 'softmax' })],
    });
    model.getLayer('nan_out').weights[1]!.write(tf.tensor1d([0, Number.NaN, 0, 0, 0]));
    await saveModel(model, dir);
    const r = await penx('train', '--penalty', 'l1:1e-4', '--model', dir, '--name', 'nan', ...RECORDED);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('penx: error: weight nan_out/bias: 1 of its 5 values are NaN or infinite before training, in the model as it was given');
    expect(r.stderr).not.toMatch(/diverged\)|learning rate/);
    expect(existsSync(join(root, 'runs', 'nan'))).toBe(false);
  }, 120_000);

  it("says which of a module's own penalties and constraints the run's replaced or removed, and keeps those off kernels and biases", async () => {
    const r = await penx('train', '--penalty', 'l1:1e-4', '--model', './test/fixtures/models/own-penalties.ts', '--name', 'own', ...RECORDED);
    expect(r.code, r.stderr).toBe(0);
    const note = r.stderr.split('\n').find((l) => l.includes('in place of the model')) ?? '';
    expect(note).toContain("model module ./test/fixtures/models/own-penalties.ts: penx puts the run's penalty and constraint on every kernel");
    expect(note).toContain('hidden/kernel: penalty tfjs.L1L2:l1=0,l2=0.001 → l1:1e-4');
    expect(note).toContain('hidden/kernel: constraint tfjs.MaxNorm:maxValue=2,axis=0 → none');
    expect(note).toContain('hidden/bias: penalty tfjs.L1L2:l1=0.001,l2=0 → none');
    // Kept, and said as a bias's kept penalty is (replacedControls: any weight the run's does not go on).
    expect(note).toContain(
      "bn/gamma: penalty tfjs.L1L2:l1=0,l2=0.01 kept (layer bn puts it on a weight the run's penalty does not go on: only kernels and, with --penalize-bias, biases take it)",
    );
    const run = readRun(join(root, 'runs', 'own'));
    const spec = (name: string) => run.config.weights.find((w) => w.name === name)?.penalty?.spec ?? 'none';
    expect(['hidden/kernel', 'hidden/bias', 'bn/gamma', 'head/kernel'].map(spec)).toEqual(['l1:1e-4', 'none', 'tfjs.L1L2:l1=0,l2=0.01', 'l1:1e-4']);
  }, 120_000);

  it('refuses a model that does not fit the data, saying which shape was expected, before the backend starts, and writes nothing', async () => {
    const r = await penx('train', '--penalty', 'l1', '--model', './test/fixtures/models/fixed-mnist.ts', '--name', 'misfit', ...SMALL);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/takes inputs of shape \[28,28,1\] per sample; the data's images are \[12,12,3\].*must be \[12,12,3\]/);
    // Built and loaded on TF.js's cpu backend first (they were refused after the training backend's line).
    expect(r.stderr).not.toMatch(/^backend:/m);
    expect(existsSync(join(root, 'runs', 'misfit'))).toBe(false);
    const missing = await penx('train', '--penalty', 'l1', '--model', './test/fixtures/models/nope.ts', ...SMALL);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/model module '.\/test\/fixtures\/models\/nope.ts' not found/);
    const notModel = await penx('train', '--penalty', 'l1', '--model', join(root, 'rgb'), ...SMALL);
    expect(notModel.code).toBe(2);
    expect(notModel.stderr).toMatch(/cannot be loaded as a TF.js model/);
    expect(notModel.stderr).not.toMatch(/^backend:/m);
  }, 120_000);

  it('refuses a module with a custom layer TF.js cannot rebuild (its class not registered), saying so, and writes nothing', async () => {
    const r = await penx('train', '--penalty', 'l1:1e-4', '--model', './test/fixtures/models/unregistered-layer.ts', '--name', 'custom', ...RECORDED);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /^penx: error: model with_custom cannot be rebuilt by TF\.js from its JSON \(Unknown layer: UnregisteredScale\.\), which putting a penalty on every kernel needs: register each custom layer class with tf\.serialization\.registerClass/m,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(root, 'runs', 'custom'))).toBe(false);
  }, 120_000);

  it("checks a comparison's runs on one build of the model: a run's penalty too large for float32 refused as before, the module built once (and again, for the repeat check)", async () => {
    const builds = join(root, 'builds.txt');
    const penalties = 'none,l1:1e-4,l2:1e-4,l3:1e-4,deadzone:1e-4,l1:1e38';
    const r = await penxWith(
      { env: { PENX_TEST_BUILDS: builds } },
      'compare',
      '--penalties',
      penalties,
      '--model',
      './test/fixtures/models/counted-builds.ts',
      '--name',
      'counted',
      ...RECORDED,
    );
    expect(r.code, r.stderr).toBe(2);
    // The message of a check per build (the same numbers: the weights repeat from the seed).
    expect(r.stderr).toContain(
      'penx: error: the penalty is too large for float32 at the untrained weights: λ·penalty is 1.68e40 for dense_Dense1/kernel (l1:1e38), 9.33e38 for dense_Dense2/kernel (l1:1e38), 1.77e40 summed over the weights, beyond 3.4028235e38, the largest float32; training computes its loss in float32, where this is infinite; nothing was trained; give a smaller strength (l1:1e38: λ at most 1.9e36)\n',
    );
    expect(r.stderr).not.toMatch(/^backend:/m);
    expect(existsSync(join(root, 'runs', 'counted'))).toBe(false);
    // Built for the checks of all six runs once, and once more to check its weights repeat from the seed (it was built again for each run).
    expect(readFileSync(builds, 'utf8')).toBe('built\nbuilt\n');
  });

  it('trains a single run on the model its checks built: the module built for them, once more for the repeat check, and not again for the run', async () => {
    const builds = join(root, 'builds-train.txt');
    const r = await penxWith(
      { env: { PENX_TEST_BUILDS: builds } },
      'train',
      '--penalty',
      'l1:1e-4',
      '--model',
      './test/fixtures/models/counted-builds.ts',
      '--name',
      'counted-train',
      ...RECORDED,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readRun(join(root, 'runs', 'counted-train')).config.weights.map((w) => [w.name, w.penalty?.spec])).toEqual([
      ['dense_Dense1/kernel', 'l1:1e-4'],
      ['dense_Dense1/bias', undefined],
      ['dense_Dense2/kernel', 'l1:1e-4'],
      ['dense_Dense2/bias', undefined],
    ]);
    expect(readFileSync(builds, 'utf8')).toBe('built\nbuilt\n');
  });

  it("refuses a registered custom layer whose `kernel` cannot take the run's penalty (no kernelRegularizer in its config), naming it, and writes nothing", async () => {
    const model = './test/fixtures/models/registered-layer.ts';
    const r = await penx('train', '--penalty', 'l1:1e-4', '--model', model, '--name', 'registered', ...RECORDED);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /^penx: error: model with_registered: the penalty l1:1e-4 cannot be put on every kernel: mix\/kernel \(layer mix, class RegisteredMix\) would have none, as its layer's config has no kernelRegularizer .*this\.addWeight\('kernel', …, this\.kernelRegularizer\)/m,
    );
    expect(r.stderr).not.toMatch(/^backend:/m);
    expect(existsSync(join(root, 'runs', 'registered'))).toBe(false);
    // A sweep whose grid has a penalty (after none): refused the same, before its folder is taken, not run by run.
    const grid = ['--penalties', 'none,l1', '--strengths', '1e-4', '--seeds', '1'];
    const sweep = await penx('sweep', ...grid, '--model', model, '--name', 'registered-sweep', ...RECORDED);
    expect(sweep.code, sweep.stderr).toBe(2);
    expect(sweep.stderr).toMatch(/^penx: error: model with_registered: the penalty l1:1e-4 cannot be put on every kernel: mix\/kernel /m);
    expect(existsSync(join(root, 'runs', 'registered-sweep'))).toBe(false);
    // Queued, the same, before the queue is reached (none answers here) and nothing written.
    const queued = await penx('sweep', ...grid, '--model', model, '--name', 'registered-queued', '--queue', 'redis://127.0.0.1:1', ...RECORDED);
    expect(queued.code, queued.stderr).toBe(2);
    expect(queued.stderr).toMatch(/^penx: error: model with_registered: the penalty l1:1e-4 cannot be put on every kernel: mix\/kernel /m);
    expect(existsSync(join(root, 'runs', 'registered-queued'))).toBe(false);
    // With no penalty asked for, its kernel has what the run puts on every kernel: none.
    const none = await penx('train', '--penalty', 'none', '--model', model, '--name', 'registered-none', ...RECORDED);
    expect(none.code, none.stderr).toBe(0);
    const run = readRun(join(root, 'runs', 'registered-none'));
    expect(run.config.weights.find((w) => w.name === 'mix/kernel')).toMatchObject({ trainable: true });
    expect(run.config.weights.find((w) => w.name === 'mix/kernel')?.penalty).toBeUndefined();
    // The same layer taking kernelRegularizer from its config as TF.js's layers do: trained with the run's penalty, recorded.
    const taking = await penx(
      'train',
      '--penalty',
      'l1:1e-4',
      '--model',
      './test/fixtures/models/registered-layer-taking.ts',
      '--name',
      'taking',
      ...RECORDED,
      '--threads',
      '2',
    );
    expect(taking.code, taking.stderr).toBe(0);
    const took = readRun(join(root, 'runs', 'taking'));
    // On both threads: the shard workers import the module registering the layer's class (they had said
    // "one thread: the model cannot be rebuilt on worker threads (… Unknown layer: RegisteredTakingMix …)").
    expect(taking.stderr).not.toMatch(/one thread/);
    expect(took.config).toMatchObject({ threads: 2, parallel: 'data' });
    // That the shards' gradients and scores are the one-thread ones is test/parallel/user-layers.test.ts's.
    expect(took.config.weights.filter((w) => w.kind === 'kernel').map((w) => [w.name, w.penalty?.spec])).toEqual([
      ['mix/kernel', 'l1:1e-4'],
      ['head/kernel', 'l1:1e-4'],
    ]);
    expect(took.epochs[0]!.layers.map((l) => [l.name, l.penalty > 0])).toEqual([
      ['mix', true],
      ['head', true],
    ]);
  }, 120_000);

  it("a registered custom layer's bias penalty: removed when its config gives it (said), put there with --penalize-bias, kept and said when the layer sets it itself, refused when no record would find it", async () => {
    const fixture = (source: string) => `./test/fixtures/models/registered-bias${source}.ts`;
    const train = (name: string, source: string, ...more: string[]) =>
      penx('train', '--penalty', 'l1:1e-4', '--model', fixture(source), '--name', name, ...more, ...RECORDED);
    /** The run's trained weights (its checkpoint) and recorded penalty specs, and its last penalty against the sum by hand of `terms`. */
    const checked = async (name: string, terms: (values: (w: string) => number[]) => number) => {
      const run = readRun(join(root, 'runs', name));
      const trained = await loadModel(join(root, 'runs', name, 'checkpoint', 'model'));
      const values = (w: string) =>
        Array.from(
          trained.weights
            .find((v) => v.originalName === w)!
            .read()
            .dataSync(),
        );
      const byHand = terms(values);
      trained.dispose();
      expect(Math.abs(run.epochs.at(-1)!.penaltyLoss - byHand)).toBeLessThanOrEqual(1e-6 * byHand);
      return Object.fromEntries(run.config.weights.map((w) => [w.name, w.penalty?.spec ?? 'none']));
    };
    const l1 = (vs: number[], s: number) => s * vs.reduce((t, v) => t + Math.abs(v), 0);
    const l2 = (vs: number[], s: number) => s * vs.reduce((t, v) => t + v * v, 0);
    // From its config (biasRegularizer, as TF.js's layers): removed, and said, as a Dense's bias penalty.
    const removed = await train('bias-config', '');
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stderr).toContain('shift/bias: penalty tfjs.L1L2:l1=0.001,l2=0 → none');
    const specs = await checked('bias-config', (v) => l1(v('head/kernel'), 1e-4));
    expect(specs).toEqual({ 'shift/bias': 'none', 'head/kernel': 'l1:1e-4', 'head/bias': 'none' });
    expect(readRun(join(root, 'runs', 'bias-config')).config.penalizeBias).toBe(false);
    // With --penalize-bias: the run's.
    const put = await train('bias-config-put', '', '--penalize-bias');
    expect(put.code, put.stderr).toBe(0);
    expect(put.stderr).toContain('shift/bias: penalty tfjs.L1L2:l1=0.001,l2=0 → l1:1e-4');
    const all = await checked('bias-config-put', (v) => l1(v('head/kernel'), 1e-4) + l1(v('head/bias'), 1e-4) + l1(v('shift/bias'), 1e-4));
    expect(all).toEqual({ 'shift/bias': 'l1:1e-4', 'head/kernel': 'l1:1e-4', 'head/bias': 'l1:1e-4' });
    // Set by the layer itself (not removable): kept, said, and recorded as it trains.
    const own = await train('bias-own', '-own');
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).toContain(
      "shift/bias: penalty tfjs.L1L2:l1=0,l2=0.01 kept (layer shift puts it on the bias itself, not from its config's biasRegularizer)",
    );
    const kept = await checked('bias-own', (v) => l1(v('head/kernel'), 1e-4) + l2(v('shift/bias'), 1e-2));
    expect(kept).toEqual({ 'shift/bias': 'tfjs.L1L2:l1=0,l2=0.01', 'head/kernel': 'l1:1e-4', 'head/bias': 'none' });
    // Given to addWeight where no record finds it: refused before the backend starts, naming the weight; nothing written.
    const hidden = await train('bias-hidden', '-hidden');
    expect(hidden.code, hidden.stderr).toBe(2);
    expect(hidden.stderr).toMatch(
      /^penx: error: layer shift adds 1 loss term\(s\) .*bias → biasRegularizer.*its weights with no penalty found: shift\/bias \(sought as this\.biasRegularizer\)$/m,
    );
    expect(hidden.stderr).not.toMatch(/^backend:/m);
    expect(existsSync(join(root, 'runs', 'bias-hidden'))).toBe(false);
  }, 240_000);

  describe('three runs of a module whose initializers have no seed and whose layers have no names', () => {
    const unseeded = ['--penalty', 'l2:1e-4', '--model', './test/fixtures/models/unseeded-mlp.ts'];
    const dirOf = (n: string) => join(root, 'runs', `unseeded-${n}`);
    const train = (name: string, seed: string) => penx('train', ...unseeded, '--name', name, '--seed', seed, ...RECORDED);
    // Trained once for both tests (a process each is most of their time): a and b from seed 5, c from seed 6.
    const runs: Record<string, Run> = {};
    beforeAll(async () => {
      for (const [name, seed] of [
        ['a', '5'],
        ['b', '5'],
        ['c', '6'],
      ] as const)
        runs[name] = await train(`unseeded-${name}`, seed);
    }, 180_000);

    it('a module with unseeded initializers starts from the same weights for the same seed, other ones for another seed', () => {
      for (const r of Object.values(runs)) expect(r.code, r.stderr).toBe(0);
      const [ra, rb, rc] = ['a', 'b', 'c'].map((n) => readRun(dirOf(n)));
      expect(rb!.initial).toEqual(ra!.initial);
      const trained = (n: string) => readFileSync(join(dirOf(n), 'checkpoint', 'model', 'weights.bin'));
      expect(trained('b').equals(trained('a'))).toBe(true);
      expect(rb!.epochs.map((e) => [e.trainLoss, e.testLoss, e.histogram])).toEqual(ra!.epochs.map((e) => [e.trainLoss, e.testLoss, e.histogram]));
      expect(rc!.initial.histogram).not.toEqual(ra!.initial.histogram);
    });

    it('a run an older penx began, its unnamed layers recorded by TF.js’s count in the process: --resume refuses it, naming the names, nothing written; one recorded as now resumes', async () => {
      // The runs above, written after the test above read them: c as an older penx wrote it, b as now.
      const [older, same] = [dirOf('c'), dirOf('b')];
      for (const name of ['c', 'b']) expect(runs[name]?.code, runs[name]?.stderr).toBe(0);
      const resume = (name: string, seed: string) => penx('train', ...unseeded, '--name', name, '--seed', seed, ...RECORDED, '--epochs', '2', '--resume');
      // What an older penx wrote: the names TF.js gave in its process, in the record, the checkpoint's record and model.
      for (const file of ['run.json', 'checkpoint/run.json', 'checkpoint/model/model.json']) {
        const path = join(older, file);
        writeFileSync(path, readFileSync(path, 'utf8').replaceAll('dense_Dense1', 'dense_Dense7').replaceAll('dense_Dense2', 'dense_Dense8'));
      }
      recordAsWritten(older);
      const before = tree(older);
      const r = await resume('unseeded-c', '6');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(
        `penx: error: cannot resume ${older}: its record names the model's weights as an older penx did, counting the layers TF.js named itself across the process, where this penx counts them in the model: dense_Dense7/kernel → dense_Dense1/kernel, dense_Dense7/bias → dense_Dense1/bias, dense_Dense8/kernel → dense_Dense2/kernel, and 1 more;`,
      );
      expect(r.stderr).toContain('nothing was written; start it over with --force');
      expect(r.stderr).not.toMatch(/^backend:/m);
      expect(tree(older)).toEqual(before);
      const resumed = await resume('unseeded-b', '5');
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(readRun(same).epochs.map((e) => e.layers.map((l) => l.name))).toEqual([
        ['dense_Dense1', 'dense_Dense2'],
        ['dense_Dense1', 'dense_Dense2'],
      ]);
    }, 120_000);
  });

  it('a module that leaves its model and layers unnamed: every run of a comparison records the same names', async () => {
    const r = await penx('compare', '--penalties', 'none,l1:1e-4', '--model', './test/fixtures/models/unnamed-mlp.ts', '--name', 'unnamed', ...RECORDED);
    expect(r.code, r.stderr).toBe(0);
    const runs = ['none', 'l1_1e-4'].map((n) => readRun(join(root, 'runs', 'unnamed', n)));
    for (const run of runs) {
      expect(run.config.model?.name).toBe('sequential');
      expect(run.config.weights.map((w) => w.name)).toEqual(['dense_Dense1/kernel', 'dense_Dense1/bias', 'dense_Dense2/kernel', 'dense_Dense2/bias']);
      expect(run.epochs[0]!.layers.map((l) => l.name)).toEqual(['dense_Dense1', 'dense_Dense2']);
    }
  }, 120_000);

  it('a module nesting an unnamed Sequential: every run of a comparison records the same layer paths; a run recorded with TF.js’s count of the nested model is not resumed', async () => {
    const nested = ['--model', './test/fixtures/models/unnamed-nested.ts'];
    const r = await penx('compare', '--penalties', 'none,l1:1e-4', ...nested, '--name', 'nested', ...RECORDED);
    expect(r.code, r.stderr).toBe(0);
    // The renaming said once for the command, not once per run, in one short line: no pattern of the run names a layer.
    expect(r.stderr.match(/: \d+ layer names counted in the model: [^\n]*sequential_\d+ → sequential_1, dense_Dense\d+ → dense_Dense1/g)).toHaveLength(1);
    expect(r.stderr).not.toContain('are named by their count in the model');
    // Epoch 0 of a module's model, which may come trained, is not said to be untrained.
    expect(r.stderr.match(/epoch 0: .*\(before training\)/g)).toHaveLength(2);
    expect(r.stderr).not.toContain('untrained');
    const dirs = ['none', 'l1_1e-4'].map((n) => join(root, 'runs', 'nested', n));
    for (const run of dirs.map(readRun)) {
      expect(run.config.model?.name).toBe('sequential');
      expect(run.config.weights.map((w) => [w.layer, w.name])).toEqual([
        ['sequential_1/dense_Dense1', 'dense_Dense1/kernel'],
        ['sequential_1/dense_Dense1', 'dense_Dense1/bias'],
        ['dense_Dense2', 'dense_Dense2/kernel'],
        ['dense_Dense2', 'dense_Dense2/bias'],
      ]);
      expect(run.epochs[0]!.layers.map((l) => l.name)).toEqual(['sequential_1/dense_Dense1', 'dense_Dense2']);
    }
    // What an older penx wrote: the nested model by TF.js's count in its process, its weights' names as now.
    const older = dirs[1]!;
    for (const file of ['run.json', 'checkpoint/run.json', 'checkpoint/model/model.json']) {
      const path = join(older, file);
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll('sequential_1', 'sequential_4'));
    }
    recordAsWritten(older);
    const before = tree(older);
    const resumed = await penx('compare', '--penalties', 'none,l1:1e-4', ...nested, '--name', 'nested', ...RECORDED, '--epochs', '2', '--resume');
    expect(resumed.code, resumed.stderr).toBe(2);
    expect(resumed.stderr).toContain(
      `penx: error: cannot resume ${older}: its record names the model's weights as an older penx did, counting the layers TF.js named itself across the process, where this penx counts them in the model: sequential_4/dense_Dense1/kernel → sequential_1/dense_Dense1/kernel, sequential_4/dense_Dense1/bias → sequential_1/dense_Dense1/bias;`,
    );
    expect(tree(older)).toEqual(before);
  }, 180_000);

  it('refuses a module whose initial weights the seed does not reach, and writes nothing', async () => {
    const r = await penx('train', '--penalty', 'l2:1e-4', '--model', './test/fixtures/models/unseeded-after-await.ts', '--name', 'late', ...RECORDED);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /built two models with different initial weights from the same seed 42, so a run would not repeat from --seed.*glorotUniform\(\{ seed \}\)/,
    );
    expect(existsSync(join(root, 'runs', 'late'))).toBe(false);
  }, 120_000);
});
