/**
 * A user-defined monitor, as a user would write it: the test accuracy of each class, after every
 * epoch and for the untrained model,
 *
 *   accuracy of class c = (test images of class c classified as c) / (test images of class c)
 *
 * kept in run.json under `monitors.classAccuracy` of each epoch and drawn by its view. Use it with
 * `npx penx train --penalty l1:1e-4 --monitor ./mnist-demo/examples/class-accuracy.ts`.
 */
import { type Monitor, tf } from 'penalty-explorer';

/** Per class (its index), the share of its test images classified right; a class without any is left out. */
const classAccuracy: Monitor<Record<string, number>> = {
  name: 'classAccuracy',
  onEpochEnd: (_epoch, { model, validationData }) => {
    if (!validationData) return undefined;
    const predicted = model.predict([...validationData.x], { batchSize: 256 }) as tf.Tensor;
    const [right, total] = tf.tidy(() => {
      const label = tf.argMax(validationData.y[0]!, -1); // penx's labels are one-hot
      const ofClass = tf.oneHot(label, predicted.shape.at(-1)!).cast('float32');
      const hit = tf.equal(tf.argMax(predicted, -1), label).cast('float32').expandDims(1);
      return [ofClass.mul(hit).sum(0).arraySync(), ofClass.sum(0).arraySync()] as number[][];
    });
    predicted.dispose();
    return Object.fromEntries(total!.flatMap((n, c) => (n > 0 ? [[String(c), right![c]! / n]] : [])));
  },
  view: {
    title: 'Test accuracy per class',
    spec: {
      mark: 'line',
      encoding: {
        x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
        y: { field: 'value', type: 'quantitative', title: 'test accuracy', scale: { domain: [0, 1] } },
        color: { field: 'key', title: 'class' },
        strokeDash: { field: 'run', title: 'run' },
      },
    },
  },
};

export default classAccuracy;
