/**
 * MaxPool: ONNX Runtime's MaxPool on the NHWC data as it is (pool-graphs.ts); windows with nothing
 * above −∞ (all NaN or −∞) get −∞, as on the cpu backend (loops/pool-loops.ts cpuEmptyWindows).
 */
import { tf } from '../../../tf.ts';
import { geometryKey, poolGeometry, type TfPoolAttrs } from '../graphs/conv-geometry.ts';
import { maxPoolGraph } from '../graphs/pool-graphs.ts';
import { runGraph } from '../runtime/run.ts';
import { floatsOf } from '../runtime/storage.ts';
import { cpuEmptyWindows } from './loops/pool-loops.ts';
import type { OrtKernelConfig } from './replace-kernel.ts';

/** The onnxruntime backend's MaxPool kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const maxPoolConfig: OrtKernelConfig = {
  kernelName: tf.MaxPool,
  body: ({ x }, attrs, backend) => {
    const g = poolGeometry(x!.shape, attrs as unknown as TfPoolAttrs);
    const out = g && runGraph(backend, `MaxPool|${geometryKey(g)}`, () => maxPoolGraph(g), [x!])?.[0];
    if (!g || !out) return undefined;
    cpuEmptyWindows(g, floatsOf(backend, x!)!, floatsOf(backend, out)!);
    return out;
  },
};
