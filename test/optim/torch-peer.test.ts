/**
 * penx's optimisers, penalties, constraints and per-layer controls against PyTorch's own, step for
 * step: test/optim/torch-peer.py wrote the fixture (PyTorch's weights after three full-batch steps of
 * a Dense 4 → 3 → 2, float64); here penx takes the same steps (TF.js, float32) from the same start.
 * PyTorch is not needed: the fixture is checked to be the script's output as committed (its SHA-256).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  constraint,
  type LrMultControl,
  optimizerFor,
  optimizerSpec,
  penalty,
  type Scalar,
  tf,
  trainStep,
  weightNames,
  withLayerControls,
  withProximal,
} from '../../src/index.ts';

interface Case {
  readonly name: string;
  readonly optimizer: string;
  readonly penalty?: string;
  readonly constraint?: string;
  readonly lrMult?: readonly LrMultControl[];
  readonly grad?: readonly { pattern: string; transform: string }[];
  readonly freeze?: readonly string[];
  /** PyTorch's weights after the steps, TF.js's layout: dense_1 kernel, bias, dense_2 kernel, bias. */
  readonly weights: readonly number[][];
}

interface Fixture {
  readonly script: string;
  readonly scriptSha256: string;
  readonly steps: number;
  readonly start: { k1: number[]; b1: number[]; k2: number[]; b2: number[] };
  readonly x: number[][];
  readonly y: number[][];
  readonly cases: readonly Case[];
}

const FIXTURE: Fixture = JSON.parse(readFileSync('test/fixtures/optim/torch-peer.json', 'utf8'));

/** The tiny model with the fixture's start, the case's penalty and constraint on its kernels. */
function tinyModel(c: Case): tf.LayersModel {
  const kernel = { ...(c.penalty ? { kernelRegularizer: penalty(c.penalty) } : {}), ...(c.constraint ? { kernelConstraint: constraint(c.constraint) } : {}) };
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ name: 'dense_1', units: 3, inputShape: [4], activation: 'tanh', ...kernel }),
      tf.layers.dense({ name: 'dense_2', units: 2, ...kernel }),
    ],
  });
  const { k1, b1, k2, b2 } = FIXTURE.start;
  // Assigned to the variables: TF.js's setWeights would apply the constraints to the start.
  [tf.tensor2d(k1, [4, 3]), tf.tensor1d(b1), tf.tensor2d(k2, [3, 2]), tf.tensor1d(b2)].forEach((t, i) => {
    (model.weights[i]!.read() as tf.Variable).assign(t);
    t.dispose();
  });
  return model;
}

/** penx's weights after the fixture's steps of case `c`, as `fit` chains its optimiser. */
async function penxSteps(c: Case): Promise<number[][]> {
  const model = tinyModel(c);
  const controls = { ...(c.lrMult ? { lrMult: c.lrMult } : {}), ...(c.grad ? { grad: c.grad } : {}), ...(c.freeze ? { freeze: c.freeze } : {}) };
  const optimizer = optimizerFor(model, withProximal(model, withLayerControls(optimizerSpec(c.optimizer).transform, controls, weightNames(model))));
  const [x, y] = [tf.tensor2d(FIXTURE.x), tf.tensor2d(FIXTURE.y)];
  for (let i = 0; i < FIXTURE.steps; i++)
    await trainStep(model, optimizer, x, y, { loss: (t, p) => tf.losses.meanSquaredError(t, p) as Scalar, frozen: c.freeze ?? [] });
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
  return weights;
}

describe('penx against PyTorch (fixture by test/optim/torch-peer.py)', () => {
  it('the fixture is the committed script’s output', () => {
    expect(createHash('sha256').update(readFileSync(FIXTURE.script)).digest('hex')).toBe(FIXTURE.scriptSha256);
  });

  // How far each weight moved against PyTorch's move, within 1e-5 of the tensor's largest move, and
  // float32's resolution of a weight below 1 (6e-8). penx is float32 throughout: Adam's bias correction
  // 1 − β₂ᵗ alone is 1.3e-5 off at the first step (β₂ = 0.999 is 0.99900001 in float32), 6e-6 of its step.
  it.each(FIXTURE.cases.map((c) => [c.name, c] as const))('%s: every weight moves as in PyTorch', async (_, c) => {
    const start = Object.values(FIXTURE.start);
    const ours = await penxSteps(c);
    ours.forEach((w, i) => {
      const theirs = c.weights[i]!.map((v, j) => v - start[i]![j]!);
      const moved = Math.max(...theirs.map(Math.abs));
      const off = Math.max(...w.map((v, j) => Math.abs(v - start[i]![j]! - theirs[j]!)));
      expect(off, `weight ${i} of ${c.name}: moved ${moved} in PyTorch`).toBeLessThanOrEqual(1e-5 * moved + 1e-7);
    });
  });
});
