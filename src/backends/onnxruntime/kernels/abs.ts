/** Abs: ONNX Runtime for large tensors (elementwise.ts). */
import { unaryKernel } from './elementwise.ts';

export const absConfig = unaryKernel('Abs');
