/**
 * The forward pass a loss reads. A model that ends in a softmax (an `Activation('softmax')`
 * layer, or a layer with `activation: 'softmax'`) gives the cross-entropy losses its logits:
 * the softmax is skipped for that pass, as Keras does. With large initial weights the softmax
 * saturates, and the cross-entropy of clipped probabilities would pass no gradient there.
 */
import { tf, type Tensor } from '../tf.ts';
import type { Loss } from './losses.ts';

interface WithActivation {
  activation?: { getClassName(): string; apply(x: Tensor): Tensor };
}

/** The identity activation put in place of the final softmax for a logits pass. */
const LINEAR = { getClassName: () => 'linear', apply: (x: Tensor) => x };

/** The model's last layer when its activation is a softmax. */
function finalSoftmax(model: tf.LayersModel): WithActivation | undefined {
  const last = model.layers.at(-1) as unknown as WithActivation | undefined;
  return last?.activation?.getClassName() === 'softmax' ? last : undefined;
}

/** The output the loss reads and whether it is logits. */
export function forward(model: tf.LayersModel, x: Tensor, loss: Loss, training: boolean): { pred: Tensor; logits: boolean } {
  const softmax = loss.wantsLogits ? finalSoftmax(model) : undefined;
  if (!softmax) return { pred: model.apply(x, { training }) as Tensor, logits: false };
  const saved = softmax.activation;
  softmax.activation = LINEAR;
  try {
    return { pred: model.apply(x, { training }) as Tensor, logits: true };
  } finally {
    softmax.activation = saved;
  }
}
