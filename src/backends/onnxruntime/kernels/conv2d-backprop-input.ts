/** Conv2DBackpropInput: the input gradient by Winograd or ConvTranspose (conv-plans.ts inputGradRun), in pieces of the batch. */
import { tf } from '../../../tf.ts';
import { convGeometry, type TfConvAttrs } from '../graphs/conv-geometry.ts';
import { inputGradRun } from '../graphs/conv-plans.ts';
import { convInPieces } from './conv.ts';
import type { OrtKernelConfig } from './replace-kernel.ts';

/** The onnxruntime backend's Conv2DBackpropInput kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const conv2dBackpropInputConfig: OrtKernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  body: ({ dy, filter }, attrs, backend) => {
    const g = convGeometry(attrs['inputShape'] as number[], filter!.shape, attrs as unknown as TfConvAttrs);
    if (!g) return undefined;
    return convInPieces(backend, 'Conv2DBackpropInput', g, inputGradRun(g), [dy!, filter!]);
  },
};
