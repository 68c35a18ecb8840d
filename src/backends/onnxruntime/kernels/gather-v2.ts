/**
 * GatherV2 along axis 0 (a batch of samples taken from a data set, as `fit` draws every batch):
 * whole rows copied from the host's array. The cpu backend's kernel reads and writes element by
 * element through index arithmetic: measured ~20 ms for a batch of 128 MNIST images (and their
 * labels) out of 60 000, a tenth of a fused training step; this takes a fraction of a millisecond.
 * Other axes, batch dimensions, dtypes or an index out of range: the host's kernel (and its error).
 */
import { tf } from '../../../tf.ts';
import { floatsOf, tensorOf } from '../runtime/storage.ts';
import { storageOf } from '../runtime/tfjs-internals.ts';
import type { OrtKernelConfig } from './replace-kernel.ts';

/** The onnxruntime backend's GatherV2 kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const gatherV2Config: OrtKernelConfig = {
  kernelName: tf.GatherV2,
  body: ({ x, indices }, attrs, backend) => {
    const axis = tf.util.parseAxisParam(attrs['axis'] as number, x!.shape)[0];
    if (axis !== 0 || ((attrs['batchDims'] as number | undefined) ?? 0) !== 0 || indices!.dtype !== 'int32') return undefined;
    const values = floatsOf(backend, x!);
    const idx = storageOf(backend).data.get(indices!.dataId)?.values;
    if (!values || !(idx instanceof Int32Array)) return undefined;
    const rows = x!.shape[0] ?? 0;
    const row = rows === 0 ? 0 : values.length / rows;
    const out = new Float32Array(idx.length * row);
    for (let i = 0; i < idx.length; i++) {
      const r = idx[i] as number;
      if (!(r >= 0 && r < rows)) return undefined;
      out.set(values.subarray(r * row, (r + 1) * row), i * row);
    }
    return tensorOf(backend, [...indices!.shape, ...x!.shape.slice(1)], out);
  },
};
