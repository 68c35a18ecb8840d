/** Add (a + b): ONNX Runtime for large outputs, a loop for small ones (elementwise.ts). */
import { binaryKernel } from './elementwise.ts';

/** The onnxruntime backend's Add kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const addConfig = binaryKernel('Add');
