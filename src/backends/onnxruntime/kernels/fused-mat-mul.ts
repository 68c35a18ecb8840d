/** _FusedMatMul (product + bias + activation): one graph per shape (matmul.ts). */
import { tf } from '../../../tf.ts';
import { matMul } from './matmul.ts';
import type { OrtKernelConfig } from './replace-kernel.ts';

/** The onnxruntime backend's _FusedMatMul kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const fusedMatMulConfig: OrtKernelConfig = { kernelName: tf._FusedMatMul, body: matMul };
