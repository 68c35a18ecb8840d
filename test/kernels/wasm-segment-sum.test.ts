/**
 * wasm's UnsortedSegmentSum (stock wasm has none: an Embedding could not train there) equals the
 * cpu backend's: repeated ids summed, ids out of range dropped, and an Embedding's weight gradient.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../src/node.ts';

beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
});

/** `f` run on cpu and on wasm, its values read back on each. */
async function onBoth(f: () => tf.Tensor): Promise<{ cpu: Float32Array | Int32Array; wasm: Float32Array | Int32Array }> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => f().dataSync() as Float32Array | Int32Array);
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  return { cpu, wasm };
}

describe('UnsortedSegmentSum on wasm', () => {
  it('sums the rows that share an id and drops ids outside [0, numSegments), as cpu does', async () => {
    const x = Float32Array.from({ length: 7 * 2 * 3 }, (_, i) => Math.sin(i * 0.37));
    const ids = [2, 0, 2, -1, 5, 2, 0];
    const { cpu, wasm } = await onBoth(() => tf.unsortedSegmentSum(tf.tensor3d(x, [7, 2, 3]), tf.tensor1d(ids, 'int32'), 4));
    expect(Array.from(wasm)).toEqual(Array.from(cpu).map((v) => expect.closeTo(v, 6)));
    expect(cpu.length).toBe(4 * 2 * 3);
    // Nothing kept: zeros.
    const none = await onBoth(() => tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor1d([7, -3], 'int32'), 3));
    expect(Array.from(none.wasm)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("gives an Embedding's gradient (gather's) as cpu does, with no tensor left behind", async () => {
    const table = Float32Array.from({ length: 8 * 3 }, (_, i) => Math.cos(i * 0.71));
    const ids = [
      [3, 0, 3, 7],
      [1, 3, 0, 0],
    ];
    const grad = () => {
      const emb = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 8, outputDim: 3, inputLength: 4, weights: [tf.tensor2d(table, [8, 3])] })] });
      const w = emb.trainableWeights[0]!.read() as tf.Variable;
      const y = tf
        .range(0, 2 * 4 * 3)
        .reshape([2, 4, 3])
        .sin();
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(emb.apply(tf.tensor2d(ids)) as tf.Tensor, y)), [w]);
      const g = grads[w.name]!;
      emb.dispose();
      return g;
    };
    const before = tf.memory().numTensors;
    const { cpu, wasm } = await onBoth(grad);
    expect(Array.from(wasm)).toEqual(Array.from(cpu).map((v) => expect.closeTo(v, 6)));
    // Row 3 took three lookups, row 2 none.
    expect(Array.from(cpu.slice(6, 9))).toEqual([0, 0, 0]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
