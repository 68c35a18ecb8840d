/**
 * The one place the library imports TensorFlow.js, so every module shares one engine.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type Tensor = tf.Tensor;
export type Scalar = tf.Scalar;
