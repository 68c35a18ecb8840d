/** Conv2D: ONNX Runtime's Conv or Winograd, by shape (conv.ts); deferred until its bias and relu come. */
import { tf } from '../../../tf.ts';
import { convForward } from './conv.ts';
import type { OrtKernelConfig } from './replace-kernel.ts';

/** The onnxruntime backend's Conv2D kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const conv2dConfig: OrtKernelConfig = { kernelName: tf.Conv2D, body: convForward };
