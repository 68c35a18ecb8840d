/** FusedConv2D (conv + bias + activation in one kernel): one graph (conv.ts). */
import { tf } from '../../../tf.ts';
import { convForward } from './conv.ts';
import type { OrtKernelConfig } from './replace-kernel.ts';

export const fusedConv2dConfig: OrtKernelConfig = { kernelName: tf.FusedConv2D, body: convForward };
