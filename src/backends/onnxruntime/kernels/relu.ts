/** Relu, or the fused conv + bias + relu of a deferred conv: ONNX Runtime for large tensors (elementwise.ts). */
import { unaryKernel } from './elementwise.ts';

export const reluConfig = unaryKernel('Relu');
