/**
 * What TF.js's serialisation leaves out, put back (src/model/topology.ts): a model with a
 * SeparableConv2D of depth multiplier 2 and a penalised or constrained DepthwiseConv2D survives
 * attachToKernels, saveModel/loadModel and the shard workers' copy with the same predictions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attachToKernels, constraint, loadModel, penalty, ShardedGradients, saveModel, selectBackend, tf } from '../../src/node.ts';
import { relErr } from '../fixtures/parity.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-topology-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const g = (seed: number) => tf.initializers.glorotUniform({ seed });
/** Depthwise (penalised: TF.js saves its regularizer as its constraint) ─► depthwise (constrained) ─► separable ×2 ─► dense. */
const make = () =>
  tf.sequential({
    layers: [
      tf.layers.depthwiseConv2d({ name: 'dw_pen', inputShape: [7, 7, 2], kernelSize: 3, depthwiseInitializer: g(1), depthwiseRegularizer: penalty('l1:1e-3') }),
      tf.layers.depthwiseConv2d({ name: 'dw_con', kernelSize: 2, depthwiseInitializer: g(2), depthwiseConstraint: constraint('maxnorm:m=0.4') }),
      tf.layers.separableConv2d({ name: 'sep', filters: 3, kernelSize: 2, depthMultiplier: 2, depthwiseInitializer: g(3), pointwiseInitializer: g(4) }),
      tf.layers.flatten(),
      tf.layers.dense({ name: 'out', units: 2, kernelInitializer: g(5) }),
    ],
  });
const x = tf.randomUniform([3, 7, 7, 2], -1, 1, 'float32', 6);
const predict = (m: tf.LayersModel) => (m.predict(x) as tf.Tensor).dataSync();

describe('a model TF.js serialises incompletely', () => {
  it('saveModel ─► loadModel: same predictions, the depthwise penalty a penalty, its constraint a constraint', async () => {
    const m = make();
    const dir = join(root, 'saved');
    await saveModel(m, dir);
    const back = await loadModel(dir);
    expect(relErr(predict(back), predict(m))).toBeLessThan(1e-6);
    const [pen, con] = [
      back.getLayer('dw_pen') as unknown as Record<string, { getClassName(): string } | null>,
      back.getLayer('dw_con') as unknown as Record<string, { getClassName(): string } | null>,
    ];
    expect(pen['depthwiseRegularizer']?.getClassName()).toBe('penx.l1');
    expect(pen['depthwiseConstraint']).toBeFalsy();
    expect(con['depthwiseConstraint']?.getClassName()).toBe('penx.constraint.maxnorm');
    expect((back.getLayer('sep') as unknown as { depthMultiplier: number }).depthMultiplier).toBe(2);
  });

  it('attachToKernels: rebuilt with the same weights and predictions', async () => {
    const m = make();
    const attached = await attachToKernels(m, { penalty: penalty('l2:1e-3') });
    expect(attached.weights.map((w) => w.shape)).toEqual(m.weights.map((w) => w.shape));
    expect(relErr(predict(attached), predict(m))).toBeLessThan(1e-6);
  });

  it('shard workers rebuild it: two threads give the one-thread gradients', async () => {
    await selectBackend('onnxruntime', { threads: 2, parallel: 'data' });
    const { localGradients, objectiveOf } = await import('../../src/node.ts');
    const m = make();
    const sharded = await ShardedGradients.start(m, 1);
    const b = { xs: [x], ys: [tf.tensor2d([0.1, 0.2, -0.3, 0.4, 0.5, -0.6], [3, 2])] };
    const objective = objectiveOf(m, 'meanSquaredError');
    const one = await localGradients.gradients(m, b, objective);
    const two = await sharded.gradients(m, b, objective);
    for (const k of Object.keys(one.grads)) expect(relErr(two.grads[k]!.dataSync(), one.grads[k]!.dataSync()), k).toBeLessThan(1e-5);
    await sharded.close();
  }, 60_000);
});
