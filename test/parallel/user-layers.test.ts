import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attachToKernels,
  type BackendInfo,
  fit,
  fitToFolder,
  gradientsFor,
  importDefaultExport,
  objectiveOf,
  penalty,
  selectBackend,
  stepThreads,
  tf,
  UsageError,
} from '../../src/node.ts';
import { batchBoundUserLayer } from '../../src/parallel/per-sample.ts';
// Imported plainly, as a library user imports the module registering their layer classes: the library never sees it.
import buildGainEmbedding from '../fixtures/models/gain-embedding.ts';
import { expectShardsMatchOneThread } from '../fixtures/sharded.ts';

type Builder = (inputShape: number[], classes: number, options: { seed: number }) => tf.LayersModel;

/** The model of fixture module `name` (imported as `penx train --model` imports it) on 4×4 images in 3 classes, l2 on every kernel. */
async function fixtureModel(name: string): Promise<tf.LayersModel> {
  return builtModel((await importDefaultExport(`./test/fixtures/models/${name}.ts`, process.cwd(), 'model')) as Builder);
}

/** `build`'s model on 4×4 images in 3 classes, l2 on every kernel. */
async function builtModel(build: Builder): Promise<tf.LayersModel> {
  const built = build([4, 4, 1], 3, { seed: 5 });
  const model = await attachToKernels(built, { penalty: penalty('l2:1e-3') });
  built.dispose();
  return model;
}

/** 8 images and their one-hot labels. */
const batch = () => ({
  xs: [
    tf.tensor4d(
      Array.from({ length: 8 * 16 }, (_, i) => Math.abs(Math.sin(i * 1.37))),
      [8, 4, 4, 1],
    ),
  ],
  ys: [tf.oneHot(tf.tensor1d([0, 1, 2, 0, 2, 1, 1, 0], 'int32'), 3)],
});

describe('a model whose layer classes a user module registers, on wasm with 2 threads (this one + 1 worker)', () => {
  let backend: BackendInfo;
  beforeAll(async () => {
    backend = await selectBackend('wasm', { threads: 2 });
  });
  afterAll(() => tf.disposeVariables());

  /** `m` is cut among the worker threads `on` starts (no note, 2 threads as the record states them), its gradients and scores the one-thread ones; `m` disposed. */
  async function expectCutAmongWorkers(m: tf.LayersModel, on: BackendInfo): Promise<void> {
    const chosen = await gradientsFor(m, on, 'categoricalCrossentropy', ['accuracy']);
    try {
      expect(chosen.note).toBeUndefined();
      // What the record states.
      expect(stepThreads(chosen.gradients, on)).toEqual({ threads: 2, parallel: 'data' });
      const b = batch();
      await expectShardsMatchOneThread(m, b, chosen.gradients, objectiveOf(m, 'categoricalCrossentropy', ['accuracy']));
      tf.dispose([...b.xs, ...b.ys]);
    } finally {
      await chosen.gradients.close();
      m.dispose();
    }
  }

  /** `m` takes one thread on `backend` with a note `note` matches; `m` disposed. */
  async function expectOneThread(m: tf.LayersModel, note: RegExp): Promise<void> {
    const chosen = await gradientsFor(m, backend, 'categoricalCrossentropy');
    expect(chosen.gradients.threads).toBe(1);
    expect(chosen.note).toMatch(note);
    await chosen.gradients.close();
    m.dispose();
  }

  it('a trainable int32 weight (TF.js lists it so) is trained on no thread: a fit over 2 threads leaves it, records it not trainable', async () => {
    const m = await fixtureModel('int-levels');
    const chosen = await gradientsFor(m, backend, 'categoricalCrossentropy');
    try {
      expect(chosen.gradients.threads).toBe(2);
      const b = batch();
      const record = await fit(m, { x: b.xs[0]!, y: b.ys[0]! }, { epochs: 1, batchSize: 8, optimizer: 'sgd:lr=0.5', gradients: chosen.gradients });
      expect(Array.from(m.getLayer('levels').weights[1]!.read().dataSync())).toEqual([2, 2, 2, 2]);
      expect(record.config.weights.filter((w) => !w.trainable).map((w) => w.name)).toEqual(['levels/levels']);
      tf.dispose([...b.xs, ...b.ys]);
    } finally {
      await chosen.gradients.close();
      m.dispose();
    }
  }, 60_000);

  it('a trainable float32 weight no gradient reaches: a fit over 2 threads runs and records what one thread records', async () => {
    const fits = [];
    for (const over of ['one thread', 'two threads'] as const) {
      // Its Mix kernel takes no penalty on every kernel (registered-layer's refusal): built as it is.
      const m = ((await importDefaultExport('./test/fixtures/models/idle-weight.ts', process.cwd(), 'model')) as Builder)([4, 4, 1], 3, { seed: 5 });
      const chosen = await gradientsFor(m, backend, 'categoricalCrossentropy');
      try {
        expect(chosen.gradients.threads).toBe(2);
        const b = batch();
        const gradients = over === 'one thread' ? {} : { gradients: chosen.gradients };
        const record = await fit(m, { x: b.xs[0]!, y: b.ys[0]! }, { epochs: 2, batchSize: 8, optimizer: 'adam:lr=0.1', ...gradients });
        tf.dispose([...b.xs, ...b.ys]);
        // Adam's step on a zero gradient is 0: the weight stays.
        expect(Array.from(m.getLayer('spare').weights[1]!.read().dataSync())).toEqual([0.5, 0.5, 0.5]);
        fits.push(record);
      } finally {
        await chosen.gradients.close();
        m.dispose();
      }
    }
    const [one, two] = fits;
    expect(two!.config.weights).toEqual(one!.config.weights);
    expect(two!.config.weights.find((w) => w.name === 'spare/idle')?.trainable).toBe(true);
    expect(two!.config.model).toEqual(one!.config.model);
    for (const [s1, s2] of [one!.initial, ...one!.epochs].map((s, i) => [s, [two!.initial, ...two!.epochs][i]!] as const)) {
      expect(s2.histogram.count).toBe(s1.histogram.count);
      expect(s2.nonTrainable).toEqual(s1.nonTrainable);
      expect(s2.layers.map((l) => l.weights?.map((w) => [w.name, w.trainable, w.histogram.count]))).toEqual(
        s1.layers.map((l) => l.weights?.map((w) => [w.name, w.trainable, w.histogram.count])),
      );
    }
    one!.epochs.forEach((e, i) => expect(Math.abs(two!.epochs[i]!.trainLoss - e.trainLoss)).toBeLessThan(1e-5));
  }, 60_000);

  it('an int32 weight past 2^24 (float32 cannot carry it to a worker) is refused before fitToFolder makes its folder', async () => {
    const m = await fixtureModel('int-levels');
    (m.getLayer('levels').weights[1]!.read() as tf.Variable).assign(tf.tensor1d([2, 2 ** 24 + 1, 2, 2], 'int32'));
    const chosen = await gradientsFor(m, backend, 'categoricalCrossentropy');
    const root = mkdtempSync(join(tmpdir(), 'penx-int-'));
    try {
      expect(chosen.gradients.threads).toBe(2);
      const b = batch();
      const dir = join(root, 'run');
      await expect(fitToFolder(m, { x: b.xs[0]!, y: b.ys[0]! }, { dir, epochs: 1, batchSize: 8, figures: false, gradients: chosen.gradients })).rejects.toThrow(
        /^the gradients option cannot train this: weight levels\/levels of dtype int32 holds 16777217, which the float32 arrays that carry weights to the worker threads cannot hold exactly/,
      );
      expect(existsSync(dir)).toBe(false);
      tf.dispose([...b.xs, ...b.ys]);
    } finally {
      rmSync(root, { recursive: true, force: true });
      await chosen.gradients.close();
      m.dispose();
    }
  }, 60_000);

  it(
    'is cut among the worker threads, which import the module; its gradients and scores are the one-thread ones',
    async () => expectCutAmongWorkers(await fixtureModel('registered-layer-taking'), backend),
    60_000,
  );

  it(
    "stays on this thread, saying why, when such a layer's output of a sample depends on its batch",
    async () =>
      expectOneThread(
        await fixtureModel('batch-centre'),
        /^one thread: layer centre \(FixtureBatchCentre\): a sample's output depends on the other samples of its batch, which shards on worker threads would change$/,
      ),
    60_000,
  );

  describe('whose module the user imported plainly (gain-embedding.ts: GainScale, GainLevels)', () => {
    const GAIN_MODULE = './test/fixtures/models/gain-embedding.ts';

    it(
      'stays on this thread, saying the workers do not know the class, unless selectBackend names the module',
      async () =>
        expectOneThread(
          await builtModel(buildGainEmbedding),
          // One line saying what happened and what fixes it (it was TF.js's first line: "… Unknown layer: GainScale. This may be due to one of the following reasons:").
          /^one thread: classes Gain(Levels|Scale), Gain(Levels|Scale) of the model are unknown to the worker threads: no module given to them registers them \(give them the one that does, e\.g\. in selectBackend's classModules\)$/,
        ),
      60_000,
    );

    it('is cut among the worker threads when classModules names it; its gradients are the one-thread ones', async () => {
      const named = await selectBackend('wasm', { threads: 2, classModules: [GAIN_MODULE] });
      await expectCutAmongWorkers(await builtModel(buildGainEmbedding), named);
      expect(named.classModules).toEqual([new URL(`../../${GAIN_MODULE}`, import.meta.url).href]);
    }, 60_000);

    it('is refused, named, when classModules names no file', async () => {
      const refused = selectBackend('wasm', { threads: 2, classModules: [GAIN_MODULE, './test/fixtures/models/no-such-layers.ts'] });
      await expect(refused).rejects.toThrow(UsageError);
      await expect(refused).rejects.toThrow(
        /^classModules: module '\.\/test\/fixtures\/models\/no-such-layers\.ts' not found \(looked for \/.*\/test\/fixtures\/models\/no-such-layers\.ts\)$/,
      );
      await expect(selectBackend('wasm', { threads: 2, classModules: [new URL('https://example.com/layers.js')] })).rejects.toThrow(
        "classModules: module 'https://example.com/layers.js' is not a file path or file: URL",
      );
    });

    it('takes a file URL as the path it names, each module once', async () => {
      const url = new URL(`../../${GAIN_MODULE}`, import.meta.url);
      const named = await selectBackend('wasm', { threads: 2, classModules: [url, GAIN_MODULE, url.href] });
      expect(named.classModules).toEqual([url.href]);
    });
  });

  // Last: every later start in this file would import the module too.
  it(
    'stays on this thread, naming the module and why, when a worker cannot import it',
    async () =>
      expectOneThread(
        await fixtureModel('main-thread-only'),
        /^one thread: the model cannot be rebuilt on worker threads \(a shard worker failed to start: module \/.*\/test\/fixtures\/models\/main-thread-only\.ts, imported for class FixtureMainThreadSquare, fails to load on a worker thread: this module loads on the main thread only\)$/,
      ),
    60_000,
  );
});

/** A user's model class whose `call` subtracts the batch's mean from its graph's output. */
class CentredModel extends tf.LayersModel {
  static override className = 'TestCentredModel';
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor | tf.Tensor[] {
    const out = super.call(inputs, kwargs);
    const x = Array.isArray(out) ? out[0]! : out;
    return tf.sub(x, tf.mean(x, 0, true));
  }
}
tf.serialization.registerClass(CentredModel);

describe("batchBoundUserLayer: a user's tf.LayersModel subclass computes its own call", () => {
  const centred = (name: string) => {
    const input = tf.input({ shape: [4] });
    return new CentredModel({ name, inputs: input, outputs: tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor });
  };

  it('is tried whole, nested or as the model itself, and found bound to its batch', () => {
    const outer = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [4] }), centred('inner'), tf.layers.dense({ units: 2 })] });
    const top = centred('top');
    expect(batchBoundUserLayer(outer, ['TestCentredModel'])).toBe("inner (TestCentredModel): a sample's output depends on the other samples of its batch");
    expect(batchBoundUserLayer(top, ['TestCentredModel'])).toBe("top (TestCentredModel): a sample's output depends on the other samples of its batch");
    outer.dispose();
    top.dispose();
  });
});

/** A user's layer that keeps a running mean of its input in a weight, assigned as it runs in training mode. */
class RunningMean extends tf.layers.Layer {
  static className = 'TestRunningMean';
  private mean?: tf.LayerVariable;
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    this.mean = this.addWeight('mean', [(inputShape as tf.Shape).at(-1) as number], 'float32', tf.initializers.constant({ value: 3 }), undefined, false);
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    this.mean!.write(tf.tidy(() => tf.add(tf.mul(this.mean!.read(), 0.5), tf.mul(tf.mean(x, 0), 0.5))));
    return tf.clone(x);
  }
}
tf.serialization.registerClass(RunningMean);

describe('batchBoundUserLayer: a layer assigning its own weights', () => {
  it('is found bound, and what the trial assigned is put back, no tensor left', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [4] }), new RunningMean({ name: 'running' })] });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const tensors = tf.memory().numTensors;
    expect(batchBoundUserLayer(model, ['TestRunningMean'])).toBe('running (TestRunningMean): it assigns its own weights as it runs');
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
  });
});

/** A user's layer refusing the trial's batch with an error whose reason is on its second line (as TF.js's and esbuild's are). */
class NeedsEight extends tf.layers.Layer {
  static className = 'TestNeedsEight';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.shape[0] !== 8) throw new Error(`NeedsEight cannot run:\n  it takes batches of 8 samples, given ${x.shape[0]}\n`);
    return tf.clone(x);
  }
}
tf.serialization.registerClass(NeedsEight);

describe('batchBoundUserLayer: a layer that throws on the trial batch', () => {
  it("is found bound, with its error's reason (after its first line) said", () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [4] }), new NeedsEight({ name: 'eight' })] });
    expect(batchBoundUserLayer(model, ['TestNeedsEight'])).toBe(
      'eight (TestNeedsEight): it could not be tried on 4 samples (NeedsEight cannot run: it takes batches of 8 samples, given 4)',
    );
    model.dispose();
  });
});
