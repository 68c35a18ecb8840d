/**
 * Portable models: a model trained with this library's penalties and constraints, saved with
 * `{ portable: true }`, loads in plain TF.js — a subprocess that imports only @tensorflow/tfjs —
 * and predicts exactly (bit for bit, both on the cpu backend) what the trained model predicts;
 * `loadModel` of this package puts every penalty and constraint back.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { constraint, definePenalty, fit, inventory, loadModel, penalty, saveModel, tf, weightInfos } from '../../src/node.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-portable-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

import { plainTfjsPredict } from '../fixtures/portable/plain-tfjs.ts';

// A user's penalty, defined in this process only.
definePenalty({ name: 'portable_cubic', formula: 'Σ|w|³', fn: (w) => tf.mul(tf.abs(w), tf.square(w)) });

const init = (seed: number) => tf.initializers.glorotUniform({ seed });
/** Every kind of penalty and constraint on different weights: built-ins (L1, L2, L1L2 and others), a user's, TF.js's own. */
const model = () =>
  tf.sequential({
    name: 'portable',
    layers: [
      tf.layers.dense({
        name: 'a',
        units: 6,
        inputShape: [4],
        activation: 'relu',
        kernelInitializer: init(1),
        kernelRegularizer: penalty('l1:1e-3'),
        biasRegularizer: penalty('l2:1e-3'),
        kernelConstraint: constraint('maxnorm:m=1.5'),
      }),
      tf.layers.dense({
        name: 'b',
        units: 6,
        activation: 'tanh',
        kernelInitializer: init(2),
        kernelRegularizer: penalty('l1l2:1,l1=1e-4,l2=2e-4'),
        biasConstraint: tf.constraints.nonNeg(),
      }),
      tf.layers.dense({
        name: 'c',
        units: 5,
        activation: 'relu',
        kernelInitializer: init(3),
        kernelRegularizer: penalty('deadzone:1e-3,a=0.1'),
        kernelConstraint: constraint('nonneg'),
      }),
      tf.layers.dense({ name: 'd', units: 4, kernelInitializer: init(4), kernelRegularizer: penalty('portable_cubic:1e-3') }),
      tf.layers.dense({
        name: 'e',
        units: 3,
        activation: 'softmax',
        kernelInitializer: init(5),
        kernelRegularizer: penalty('l1:1e-3,prox'),
        biasRegularizer: tf.regularizers.l2({ l2: 1e-3 }),
      }),
    ],
  });

const plainTfjs = (dir: string) => plainTfjsPredict(dir, join(root, 'input.json'));

describe('saveModel(model, dir, { portable: true })', () => {
  it('plain TF.js loads the folder and predicts exactly what the trained model predicts; without portable it cannot', async () => {
    await tf.setBackend('cpu');
    const m = model();
    const x = tf.randomUniform([10, 4], -1, 1, 'float32', 7);
    await fit(
      m,
      { x, y: tf.tensor1d(Array.from({ length: 10 }, (_, i) => i % 3)) },
      { epochs: 2, batchSize: 5, optimizer: 'adam:lr=0.02', loss: 'sparseCategoricalCrossentropy' },
    );
    writeFileSync(join(root, 'input.json'), JSON.stringify({ values: Array.from(x.dataSync()), shape: x.shape }));
    const expected = Array.from(new Uint32Array(new Float32Array((m.predict(x) as tf.Tensor).dataSync()).buffer));

    await saveModel(m, join(root, 'plain'));
    expect(plainTfjs(join(root, 'plain')).error).toMatch(/Unknown (regularizer|constraint): penx\./);

    await saveModel(m, join(root, 'portable'), { portable: true });
    const got = plainTfjs(join(root, 'portable'));
    expect(got.error).toBeUndefined();
    expect(got.bits).toEqual(expected);

    // L1, L2 and L1L2 became TF.js's L1L2 with the same factors; the others were left out, and listed.
    const json = JSON.parse(readFileSync(join(root, 'portable', 'model.json'), 'utf8'));
    const layers = json.modelTopology.config.layers.map((l: { config: Record<string, unknown> }) => l.config);
    expect(layers[0].kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 1e-3, l2: 0 } });
    expect(layers[0].bias_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 1e-3 } });
    expect(layers[1].kernel_regularizer.config.l1).toBeCloseTo(1e-4, 12);
    expect(layers[1].kernel_regularizer.config.l2).toBeCloseTo(2e-4, 12);
    expect([
      layers[2].kernel_regularizer,
      layers[3].kernel_regularizer,
      layers[4].kernel_regularizer,
      layers[0].kernel_constraint,
      layers[2].kernel_constraint,
    ]).toEqual([null, null, null, null, null]);
    expect(layers[1].bias_constraint.class_name).toBe('NonNeg');
    expect(layers[4].bias_regularizer.class_name).toBe('L1L2');
    const listed = json.userDefinedMetadata['penalty-explorer'];
    expect(listed.format).toBe('penalty-explorer/portable@1');
    expect(listed.replaced.map((e: { original: { class_name: string } }) => e.original.class_name).sort()).toEqual(
      ['penx.constraint.maxnorm', 'penx.constraint.nonneg', 'penx.deadzone', 'penx.l1', 'penx.l1', 'penx.l1l2', 'penx.l2', 'penx.portable_cubic'].sort(),
    );

    // This package's loadModel puts every penalty and constraint back, as they were.
    const back = await loadModel(join(root, 'portable'));
    const strip = (infos: ReturnType<typeof weightInfos>) => infos.map((w) => [w.shape, w.penalty?.spec, w.penalty?.source, w.constraint?.spec]);
    expect(strip(weightInfos(back))).toEqual(strip(weightInfos(m)));
    expect(inventory(back).weights.filter((w) => w.regularizer).length).toBe(7);
    expect(Array.from(new Uint32Array(new Float32Array((back.predict(x) as tf.Tensor).dataSync()).buffer))).toEqual(expected);
  }, 60_000);

  it('refuses a portable folder whose topology was edited against its metadata', async () => {
    const m = model();
    await saveModel(m, join(root, 'edited'), { portable: true });
    const file = join(root, 'edited', 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.modelTopology.config.layers[0].config.kernel_regularizer = { class_name: 'L1L2', config: { l1: 0.5, l2: 0 } };
    writeFileSync(file, JSON.stringify(json));
    await expect(loadModel(join(root, 'edited'))).rejects.toThrow(/does not match its penalty-explorer metadata/);
  });
});
