/** BatchMatMul: one Gemm (rank 2) or MatMul graph per shape (matmul.ts). */
import { tf } from '../../../tf.ts';
import { matMul } from './matmul.ts';
import type { OrtKernelConfig } from './replace-kernel.ts';

/** The onnxruntime backend's BatchMatMul kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const batchMatMulConfig: OrtKernelConfig = { kernelName: tf.BatchMatMul, body: matMul };
