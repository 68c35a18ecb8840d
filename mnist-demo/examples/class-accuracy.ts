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

/**
 * Per class (its index), the share of its test images classified right; a class without any is left out.
 * It reads the epoch's own evaluation (`testPredictions`, which it asks for): no second pass over the test set.
 */
const classAccuracy: Monitor<Record<string, number>> = {
  name: 'classAccuracy',
  wantsTestPredictions: true,
  onEpochEnd: ({ testPredictions }, { validationData }) => {
    const predicted = testPredictions?.[0];
    if (!predicted || !validationData) return undefined;
    const [n, classes] = predicted.shape as [number, number];
    const label = tf.tidy(() => tf.argMax(validationData.y[0]!, -1).dataSync()); // penx's labels are one-hot
    const [right, total] = [new Array<number>(classes).fill(0), new Array<number>(classes).fill(0)];
    for (let i = 0; i < n; i++) {
      const row = predicted.values.subarray(i * classes, (i + 1) * classes);
      const c = label[i]!;
      total[c]!++;
      if (row.indexOf(Math.max(...row)) === c) right[c]!++; // argmax: the first largest, as TF.js's
    }
    return Object.fromEntries(total.flatMap((t, c) => (t > 0 ? [[String(c), right[c]! / t]] : [])));
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
