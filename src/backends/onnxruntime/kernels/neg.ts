/** Neg: ONNX Runtime for large tensors (elementwise.ts). */
import { unaryKernel } from './elementwise.ts';

export const negConfig = unaryKernel('Neg');
