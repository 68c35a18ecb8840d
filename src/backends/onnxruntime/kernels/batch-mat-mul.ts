/** BatchMatMul: one Gemm (rank 2) or MatMul graph per shape (matmul.ts). */
import { tf } from '../../../tf.ts';
import { matMul } from './matmul.ts';
import type { OrtKernelConfig } from './replace-kernel.ts';

export const batchMatMulConfig: OrtKernelConfig = { kernelName: tf.BatchMatMul, body: matMul };
