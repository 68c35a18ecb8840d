/** _FusedMatMul (product + bias + activation): one graph per shape (matmul.ts). */
import { tf } from '../../../tf.ts';
import { matMul } from './matmul.ts';
import type { OrtKernelConfig } from './replace-kernel.ts';

export const fusedMatMulConfig: OrtKernelConfig = { kernelName: tf._FusedMatMul, body: matMul };
