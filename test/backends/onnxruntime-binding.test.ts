/**
 * The onnxruntime backend relies on onnxruntime-node's native binding running a session
 * synchronously and writing into arrays the caller gives (src/backends/onnxruntime/binding.ts).
 * These tests fail loudly if a new version of onnxruntime-node changes either.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { encodeModel, type GraphSpec } from '../../src/backends/onnxruntime/onnx/model.ts';
import { loadBinding, OrtSession, ortVersion } from '../../src/backends/onnxruntime/runtime/binding.ts';

const relu: GraphSpec = {
  inputs: [{ name: 'x', shape: [2, 3] }],
  outputs: [{ name: 'y', shape: [2, 3] }],
  nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
};

describe('onnxruntime-node binding', () => {
  it('loads, and its version is the one this backend was written for (1.x)', () => {
    expect(() => loadBinding()).not.toThrow();
    expect(ortVersion()).toMatch(/^1\.\d+\.\d+/);
  });

  it('runs a session synchronously, writing the output into the array given', () => {
    const s = new OrtSession(encodeModel(relu), { intraOp: 1, spinning: false }, relu.inputs, relu.outputs);
    const out = new Float32Array(6).fill(NaN);
    const before = out.slice();
    s.run([Float32Array.of(-1, 2, -3, 4, 5, -6)], [out]);
    // No await in between: the values are there on return.
    expect(Array.from(out)).toEqual([0, 2, 0, 4, 5, 0]);
    expect(Array.from(before).every(Number.isNaN)).toBe(true);
    s.dispose();
  });

  it("the native run returns its outputs, not a Promise, while the public API's run is asynchronous", async () => {
    const { binding } = createRequire(import.meta.url)('onnxruntime-node/dist/binding.js') as {
      binding: { InferenceSession: new () => { loadModel(...a: unknown[]): void; run(...a: unknown[]): unknown } };
    };
    const bytes = encodeModel(relu);
    const native = new binding.InferenceSession();
    native.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, {});
    const x = { type: 'float32', dims: [2, 3], location: 'cpu', data: Float32Array.of(1, -1, 1, -1, 1, -1) };
    const r = native.run({ x }, { y: null }, {}) as Record<string, { data?: Float32Array; cpuData?: Float32Array }>;
    expect(typeof (r as { then?: unknown }).then).toBe('undefined');
    expect(Array.from(r['y']!.cpuData ?? r['y']!.data ?? [])).toEqual([1, 0, 1, 0, 1, 0]);

    const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof import('onnxruntime-node');
    const session = await ort.InferenceSession.create(bytes);
    const pending = session.run({ x: new ort.Tensor('float32', Float32Array.of(1, -1, 1, -1, 1, -1), [2, 3]) });
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    await session.release();
  });

  it('an invalid graph throws an Error from loadModel (not a crash)', () => {
    const bad: GraphSpec = { ...relu, nodes: [{ op: 'NoSuchOp', inputs: ['x'], outputs: ['y'] }] };
    expect(() => new OrtSession(encodeModel(bad), { intraOp: 1, spinning: false }, bad.inputs, bad.outputs)).toThrow(/NoSuchOp/);
  });
});
