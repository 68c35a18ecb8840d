/** Sign (NaN gives 0, as TF.js): ONNX Runtime for large tensors (elementwise.ts). */
import { unaryKernel } from './elementwise.ts';

export const signConfig = unaryKernel('Sign');
