import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachToKernels, type BackendInfo, gradientsFor, importDefaultExport, objectiveOf, penalty, selectBackend, stepThreads, tf } from '../../src/node.ts';
import { expectShardsMatchOneThread } from '../fixtures/sharded.ts';

type Builder = (inputShape: number[], classes: number, options: { seed: number }) => tf.LayersModel;

/** The model of fixture module `name` (imported as `penx train --model` imports it) on 4×4 images in 3 classes, l2 on every kernel. */
async function fixtureModel(name: string): Promise<tf.LayersModel> {
  const build = (await importDefaultExport(`./test/fixtures/models/${name}.ts`, process.cwd(), 'model')) as Builder;
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

  it('is cut among the worker threads, which import the module; its gradients and scores are the one-thread ones', async () => {
    const m = await fixtureModel('registered-layer-taking');
    const chosen = await gradientsFor(m, backend, 'categoricalCrossentropy', ['accuracy']);
    try {
      expect(chosen.note).toBeUndefined();
      // What the record states.
      expect(stepThreads(chosen.gradients, backend)).toEqual({ threads: 2, parallel: 'data' });
      const b = batch();
      await expectShardsMatchOneThread(m, b, chosen.gradients, objectiveOf(m, 'categoricalCrossentropy', ['accuracy']));
      tf.dispose([...b.xs, ...b.ys]);
    } finally {
      await chosen.gradients.close();
      m.dispose();
    }
  }, 60_000);

  /** Fixture module `name`'s model takes one thread on `backend` with a note `note` matches. */
  async function expectOneThread(name: string, note: RegExp): Promise<void> {
    const m = await fixtureModel(name);
    const chosen = await gradientsFor(m, backend, 'categoricalCrossentropy');
    expect(chosen.gradients.threads).toBe(1);
    expect(chosen.note).toMatch(note);
    await chosen.gradients.close();
    m.dispose();
  }

  it(
    "stays on this thread, saying why, when such a layer's output of a sample depends on its batch",
    () =>
      expectOneThread(
        'batch-centre',
        /^one thread: layer centre \(FixtureBatchCentre\): a sample's output depends on the other samples of its batch, which shards on worker threads would change$/,
      ),
    60_000,
  );

  // Last: every later start in this file would import the module too.
  it(
    'stays on this thread, naming the module and why, when a worker cannot import it',
    () =>
      expectOneThread(
        'main-thread-only',
        /^one thread: the model cannot be rebuilt on worker threads \(a shard worker failed to start: Error: module \/.*\/test\/fixtures\/models\/main-thread-only\.ts, imported for class FixtureMainThreadSquare, fails to load on a worker thread: this module loads on the main thread only\)$/,
      ),
    60_000,
  );
});
