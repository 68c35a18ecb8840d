/** Abs: ONNX Runtime for large tensors (elementwise.ts). */
import { unaryKernel } from './elementwise.ts';

/** The onnxruntime backend's Abs kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const absConfig = unaryKernel('Abs');
