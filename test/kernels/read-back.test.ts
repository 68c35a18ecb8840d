/**
 * The backend's synchronous read-back, probed before anything is trained or recorded
 * (src/kernels/read-back.ts): Node's backends read the probe's numbers exactly (onnxruntime's
 * product and convolution through ONNX Runtime sessions); a backend whose `dataSync` reads zeros —
 * as SwiftShader's WebGPU does under TF.js 4.22, simulated here by a copy of the cpu backend whose
 * `readSync` returns zeros while its asynchronous `read` is right — is refused by every entry that
 * trains or records, with a ReadBackError, and nothing is trained nor written. (The real WebGPU:
 * test/training/gpu-training.test.ts, in headless Chromium.)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../../src/backends/index.ts';
import { sessionCount } from '../../src/backends/onnxruntime/index.ts';
import { ReadBackError, UsageError } from '../../src/errors.ts';
import { fitToFolder } from '../../src/folders/index.ts';
import { checkReadBack, readBackProblem } from '../../src/kernels/index.ts';
import { snapshotWeights } from '../../src/monitor/index.ts';
import { optimizerFor, optimizerSpec } from '../../src/optim/index.ts';
import { attachToKernels, penalty } from '../../src/penalties/index.ts';
import { tf } from '../../src/tf.ts';
import { evaluate, fit, pruneCurve, recordWeights, trainStep } from '../../src/training/index.ts';
import { tinyClassifier, tinyX, tinyY } from '../fixtures/tiny-classifier.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-read-back-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.each(['cpu', 'wasm', 'onnxruntime'] as const)('on %s (Node)', (name) => {
  it('reads the probe back exactly: no refusal, nothing left behind', async () => {
    await selectBackend(name, { threads: 1 });
    // On onnxruntime the probe's convolution runs on ONNX Runtime, not the cpu kernel it falls back to: its session is made during it.
    const conv = tf.getKernel(tf.Conv2D, name) as { kernelFunc: tf.KernelFunc };
    const stock = conv.kernelFunc;
    let convSessions = 0;
    conv.kernelFunc = (args) => {
      const before = sessionCount();
      const out = stock(args);
      convSessions += sessionCount() - before;
      return out;
    };
    const tensors = tf.memory().numTensors;
    try {
      expect(readBackProblem()).toBeUndefined();
      expect(() => checkReadBack()).not.toThrow();
      expect(convSessions).toBe(name === 'onnxruntime' ? 1 : 0);
    } finally {
      conv.kernelFunc = stock;
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

/** A copy of the cpu backend whose dataSync reads zeros; `await data()` reads right (as SwiftShader's WebGPU). */
const ZEROS = 'sync-zeros';
{
  const Cpu = tf.findBackend('cpu')?.constructor as new () => tf.KernelBackend;
  class SyncZeros extends Cpu {
    override readSync(dataId: tf.DataId): tf.BackendValues {
      const values = super.readSync(dataId);
      return values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array ? values.map(() => 0) : values;
    }
    override async read(dataId: tf.DataId): Promise<tf.BackendValues> {
      return super.readSync(dataId);
    }
  }
  tf.registerBackend(ZEROS, () => Object.assign(new SyncZeros(), { firstUse: false }), 0);
  for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: ZEROS });
}

describe('a backend whose synchronous read-back is wrong', () => {
  const options = { epochs: 1, batchSize: 16, loss: 'sparseCategoricalCrossentropy' as const, seed: 5 };
  /** The model's weights, read asynchronously (right on this backend). */
  const weightsOf = async (m: tf.LayersModel) => Promise.all(m.getWeights().map(async (w) => Array.from(await w.data())));
  /** Expect `work` to be refused with the ReadBackError, the model's weights untouched. */
  async function refused(m: tf.LayersModel, work: () => Promise<unknown>): Promise<void> {
    const before = await weightsOf(m);
    const err = await work().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ReadBackError);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as ReadBackError).backend).toBe(ZEROS);
    expect(await weightsOf(m)).toEqual(before);
  }

  it('is found by the probe: the wrong values named', async () => {
    await tf.setBackend(ZEROS);
    expect(readBackProblem()).toBe('its synchronous read-back returned wrong values (0 for 7, 0 for 10, 0 for 15 and 6 more of 9)');
    expect(() => checkReadBack()).toThrow(
      "backend sync-zeros cannot train or record here: its synchronous read-back returned wrong values (0 for 7, 0 for 10, 0 for 15 and 6 more of 9); the library reads losses, penalties, evaluation and weights synchronously (dataSync), so the record would be wrong; nothing was trained or written; use another backend, e.g. tf.setBackend('webgl'), tf.setBackend('wasm') or tf.setBackend('cpu')",
    );
  });

  const data = { x: tinyX, y: tinyY };
  const loss = 'sparseCategoricalCrossentropy' as const;
  it.each([
    ['fit', (m: tf.LayersModel) => fit(m, data, options)],
    ['trainStep', (m: tf.LayersModel) => trainStep(m, optimizerFor(m, optimizerSpec('adam:lr=0.1').transform), tinyX, tinyY, { loss })],
    ['evaluate', (m: tf.LayersModel) => evaluate(m, data, { loss })],
    ['pruneCurve', (m: tf.LayersModel) => pruneCurve(m, data, { loss })],
    ['snapshotWeights', async (m: tf.LayersModel) => snapshotWeights(m, 0, { loss: 1, acc: 0.5 })],
  ] as const)('%s refuses it, the weights untouched', async (_name, work) => {
    await tf.setBackend(ZEROS);
    const m = tinyClassifier();
    await refused(m, () => work(m));
    m.dispose();
  });

  it('recordWeights stops TF.js’s model.fit before its first batch: no record, the weights untouched', async () => {
    await tf.setBackend(ZEROS);
    const m = tinyClassifier();
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const recorder = recordWeights(m);
    const batches: number[] = [];
    const counter = new tf.CustomCallback({ onBatchEnd: async (batch) => void batches.push(batch) });
    await refused(m, () => m.fit(tinyX, tinyY, { epochs: 1, batchSize: 16, callbacks: [recorder, counter], verbose: 0 }));
    expect(recorder.record).toBeUndefined();
    expect(batches).toEqual([]);
    m.dispose();
  });

  /** The class indices as float32, as TF.js's own sparse cross-entropy takes them (it floors them). */
  const labels = tf.cast(tinyY, 'float32');

  it('recordWeights checks the backend in use when TF.js’s model.fit begins, not the one in use when it was made', async () => {
    await tf.setBackend(ZEROS);
    const m = tinyClassifier();
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const recorder = recordWeights(m);
    await tf.setBackend('cpu');
    await m.fit(tinyX, labels, { epochs: 1, batchSize: 16, callbacks: [recorder], verbose: 0 });
    expect(recorder.record?.epochs).toHaveLength(1);
    m.dispose();
  });

  it('recordWeights checks it at every batch: a page switching to it during model.fit (and back) stops the run at that batch, no epoch recorded', async () => {
    // Penalised, so the batch's penalty read on this backend (as 0) would make the recorded trainLoss the logged
    // loss, penalty included, where it is the data loss alone; the epoch's end on cpu would pass its check.
    await tf.setBackend('cpu');
    const m = await attachToKernels(tinyClassifier(), { penalty: penalty('l2:1') });
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const recorder = recordWeights(m);
    const batches: number[] = [];
    // Before the recorder: the page's own code, switching for the second batch and back after it.
    const page = new tf.CustomCallback({
      onBatchBegin: async (batch) => void (batch === 1 && (await tf.setBackend(ZEROS))),
      onBatchEnd: async (batch) => {
        batches.push(batch);
        await tf.setBackend('cpu');
      },
    });
    const err = await m.fit(tinyX, labels, { epochs: 1, batchSize: 16, callbacks: [page, recorder], verbose: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ReadBackError);
    expect((err as ReadBackError).backend).toBe(ZEROS);
    expect(batches).toEqual([0]);
    expect(recorder.record?.epochs).toEqual([]);
    m.dispose();
  });

  it('fitToFolder refuses it before the folder is made', async () => {
    await tf.setBackend(ZEROS);
    const m = tinyClassifier();
    const dir = join(root, 'run');
    await refused(m, () => fitToFolder(m, { x: tinyX, y: tinyY }, { ...options, dir, figures: false }));
    expect(existsSync(dir)).toBe(false);
    m.dispose();
  });

  it('is probed once: its next probe reads nothing', async () => {
    await tf.setBackend(ZEROS);
    readBackProblem();
    const backend = tf.backend();
    const reads = vi.spyOn(backend, 'readSync');
    expect(readBackProblem()).toMatch(/^its synchronous read-back returned wrong values/);
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
  });
});

describe('a backend whose synchronous read-back throws', () => {
  it("is found by the probe: the error's reason, after its first line, said", async () => {
    const Cpu = tf.findBackend('cpu')?.constructor as new () => tf.KernelBackend;
    class SyncThrows extends Cpu {
      override readSync(): tf.BackendValues {
        throw new Error('readSync failed:\n  the device was lost (reason: destroyed)\n    at SyncThrows.readSync (file:///x.js:1:1)');
      }
    }
    const name = 'sync-throws';
    tf.registerBackend(name, () => Object.assign(new SyncThrows(), { firstUse: false }), 0);
    for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: name });
    const before = tf.getBackend();
    try {
      await tf.setBackend(name);
      expect(readBackProblem()).toBe('its synchronous read-back failed (readSync failed: the device was lost (reason: destroyed))');
    } finally {
      await tf.setBackend(before);
      tf.removeBackend(name);
    }
  });
});
