/** Sub (a − b): ONNX Runtime for large outputs, a loop for small ones (elementwise.ts). */
import { binaryKernel } from './elementwise.ts';

/** The onnxruntime backend's Sub kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const subConfig = binaryKernel('Sub');
