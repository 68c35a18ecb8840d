/**
 * A user-defined gradient transform, as a user would write it: sign descent scaled per tensor,
 *
 *   g ← sign(g) · mean|g|
 *
 * which keeps the gradient's overall size but gives every weight the same step. Use it on some
 * layers with `npx penx train --penalty l1:1e-4 --grad 'dense_1:./mnist-demo/examples/sign-gradient.ts'`.
 */
import { type GradientFunction, tf } from 'penalty-explorer';

/** g ← sign(g)·mean|g| for each weight's gradient. */
const signGradient: GradientFunction = (grad) => tf.mul(tf.sign(grad), tf.mean(tf.abs(grad)));
export default signGradient;
