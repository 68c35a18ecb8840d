/** FusedConv2D (conv + bias + activation in one kernel): one graph (conv.ts). */
import { tf } from '../../../tf.ts';
import { convForward } from './conv.ts';
import type { OrtKernelConfig } from './replace-kernel.ts';

/** The onnxruntime backend's FusedConv2D kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const fusedConv2dConfig: OrtKernelConfig = { kernelName: tf.FusedConv2D, body: convForward };
