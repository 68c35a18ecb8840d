/** Square: ONNX Runtime for large tensors (elementwise.ts). */
import { unaryKernel } from './elementwise.ts';

/** The onnxruntime backend's Square kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const squareConfig = unaryKernel('Square');
