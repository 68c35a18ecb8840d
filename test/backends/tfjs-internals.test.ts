/**
 * The contract between the onnxruntime backend and TF.js's internals
 * (src/backends/onnxruntime/runtime/tfjs-internals.ts): every internal it takes is checked here
 * against the installed TF.js, by behaviour, so a TF.js version that changes one fails this test
 * before it fails a training run. The library's package.json (src/) admits only the versions tested.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cpuBackendClass,
  gradientDepth,
  isRegisteredBackend,
  STORAGE_METHODS,
  silenceAdvert,
  storageOf,
} from '../../src/backends/onnxruntime/runtime/tfjs-internals.ts';
import { tf } from '../../src/index.ts';

describe('TF.js internals the onnxruntime backend uses', () => {
  it('the installed TF.js is in the peer range the package declares (only the versions tested)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../src/package.json', import.meta.url), 'utf8')) as { peerDependencies: Record<string, string> };
    const range = pkg.peerDependencies['@tensorflow/tfjs']!;
    const m = /^~(\d+)\.(\d+)\.(\d+)$/.exec(range);
    expect(m, `peer range ${range} is a ~major.minor.patch range`).not.toBeNull();
    const [major, minor, patch] = (tf.version.tfjs ?? '').split('.').map(Number);
    expect([major, minor]).toEqual([Number(m![1]), Number(m![2])]);
    expect(patch).toBeGreaterThanOrEqual(Number(m![3]));
  });

  it('engine().registryFactory tells registered backends', () => {
    expect(isRegisteredBackend('cpu')).toBe(true);
    expect(isRegisteredBackend('no-such-backend')).toBe(false);
  });

  it("the cpu backend's class makes instances whose storage keeps a tensor's TypedArray itself (no copy)", () => {
    const Cpu = cpuBackendClass();
    const b = new Cpu();
    const storage = storageOf(b);
    for (const m of STORAGE_METHODS) expect(typeof storage[m], m).toBe('function');
    const values = Float32Array.of(1, 2, 3);
    const id = storage.write(values, [3], 'float32');
    expect(storage.data.has(id)).toBe(true);
    expect(storage.data.get(id)?.values).toBe(values);
    const info = storage.makeTensorInfo([3], 'float32', values);
    expect(storage.data.get(info.dataId)?.values).toBe(values);
    expect(storage.readSync(id)).toBe(values);
    expect(storage.refCount(id)).toBe(1);
    storage.incRef(id);
    expect(storage.refCount(id)).toBe(2);
    storage.decRef(id);
    expect(storage.refCount(id)).toBe(1);
    const moved = Float32Array.of(4, 5, 6);
    storage.move(id, moved, [3], 'float32', 1);
    expect(storage.data.get(id)?.values).toBe(moved);
    expect(storage.disposeData(id, true)).toBe(true);
    expect(storage.data.has(id)).toBe(false);
    b.dispose();
  });

  it("a cpu backend instance's first-use advert is the `firstUse` flag", () => {
    const b = new (cpuBackendClass())() as unknown as { firstUse?: boolean; dispose(): void };
    expect(b.firstUse).toBe(true);
    silenceAdvert(b as unknown as tf.KernelBackend);
    expect(b.firstUse).toBe(false);
    b.dispose();
  });

  it('engine().state.gradientDepth counts the tapes recording', () => {
    let inner = -1;
    let nested = -1;
    tf.tidy(() =>
      tf.grad((x: tf.Tensor) => {
        inner = gradientDepth();
        return tf.sum(
          tf.grad((z: tf.Tensor) => {
            nested = gradientDepth();
            return tf.square(z) as tf.Scalar;
          })(x),
        );
      })(tf.scalar(2)),
    );
    expect([gradientDepth(), inner, nested]).toEqual([0, 1, 2]);
  });
});
