/** Add (a + b): ONNX Runtime for large outputs, a loop for small ones (elementwise.ts). */
import { binaryKernel } from './elementwise.ts';

export const addConfig = binaryKernel('Add');
