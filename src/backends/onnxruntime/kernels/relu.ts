/** Relu, or the fused conv + bias + relu of a deferred conv: ONNX Runtime for large tensors (elementwise.ts). */
import { unaryKernel } from './elementwise.ts';

/** The onnxruntime backend's Relu kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const reluConfig = unaryKernel('Relu');
