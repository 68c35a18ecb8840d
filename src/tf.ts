/**
 * The one place the library imports TensorFlow.js, so every module shares one engine. In the built
 * ES modules this file is `#tf` outside Node (dist/tf-import.mjs); under Node `#tf` takes the same
 * module by `require` (tf-require.ts), which spares Node lexing TF.js's CommonJS for its names.
 */
import * as tf from '@tensorflow/tfjs';

/** TensorFlow.js itself (`@tensorflow/tfjs`), the engine every part of this library uses: build your model with it. */
export { tf };
/** A TF.js tensor (`tf.Tensor`). */
export type Tensor = tf.Tensor;
/** A rank-0 TF.js tensor (`tf.Scalar`): a loss, a penalty's value. */
export type Scalar = tf.Scalar;
