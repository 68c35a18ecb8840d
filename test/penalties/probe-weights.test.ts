/**
 * A user's penalty checked on the weights it goes on (probeOnWeights, via probePenalty's `weights`
 * and fit's checkUntrainedWeights): the probe tensors are [4,4], [15] and [1], and a penalty can
 * pass there yet be NaN, throw, or have a gradient of another shape on a model's rank-2 and rank-4
 * kernels — at their untrained values or where a whole kernel is 0.
 */
import { describe, expect, it } from 'vitest';
import { MNIST_CLASSES, MNIST_SHAPE, referenceModel } from '../../mnist-demo/model.ts';
import { probeUserPenalty } from '../../mnist-demo/playground/user-penalty.ts';
import { abs, attachToKernels, definePenalty, fit, inventory, penalty, probePenalty, SpecError, type Tensor, tf } from '../../src/index.ts';

/** A group lasso over each output unit (Σ over every axis but the last), not smoothed at 0; L1 on a rank-1 weight. */
const groupLasso = (w: Tensor) =>
  w.rank === 1
    ? abs(w)
    : tf.sum(
        tf.sqrt(
          tf.sum(
            tf.square(w),
            Array.from({ length: w.rank - 1 }, (_, i) => i),
          ),
        ),
      );
definePenalty({ name: 'pwgl', fn: groupLasso });

/** The reference CNN with `spec` on every kernel (conv kernels rank 4, dense kernels rank 2), built on this backend. */
async function cnnWith(spec: string): Promise<tf.LayersModel> {
  const built = referenceModel(MNIST_SHAPE, MNIST_CLASSES, { seed: 1 });
  try {
    return await attachToKernels(built, { penalty: penalty(spec) });
  } finally {
    built.dispose();
  }
}

/** The model's weights that carry a penalty, as probePenalty's `weights` takes them. */
const penalised = (model: tf.LayersModel) =>
  inventory(model)
    .weights.filter((w) => w.regularizer)
    .map((w) => ({ name: w.name, value: w.variable.read() }));

/** What `call` threw (a SpecError expected), or '' when it did not throw. */
function refusal(call: () => unknown): string {
  try {
    call();
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as Error).message;
  }
  return '';
}

describe("a user's penalty on the weights it goes on", () => {
  it('a group lasso not smoothed at 0 passes the probe tensors but is refused on the real kernels, naming the first kernel and its shape (it was accepted, and NaN once a unit is zeroed)', async () => {
    const model = await cnnWith('pwgl:1e-3');
    try {
      // The probe tensors alone cannot tell: a rank-1 weight is its L1, the [4,4] one is only evaluated.
      expect(() => probePenalty(penalty('pwgl:1e-3'))).not.toThrow();
      const weights = penalised(model);
      expect(new Set(weights.map((w) => w.value.rank))).toEqual(new Set([4, 2]));
      const first = weights[0];
      const message = refusal(() => probePenalty(penalty('pwgl:1e-3'), { weights }));
      expect(message).toMatch(
        new RegExp(
          `^penalty pwgl:0\\.001 on ${first?.name} \\(shape \\[${first?.value.shape.join(',')}\\]\\) has gradient NaN where all its weights are 0 .*\\(entry 0, w = 0\\); nothing was trained; .*smooth it at 0`,
        ),
      );
    } finally {
      model.dispose();
    }
  });

  it('each distinct shape is checked at 0: a penalty NaN at a zero rank-2 kernel only is refused naming a dense kernel and its shape', async () => {
    definePenalty({ name: 'pwdense', fn: (w) => (w.rank === 2 ? groupLasso(w) : tf.square(w)) });
    const model = await cnnWith('pwdense:1e-3');
    try {
      const weights = penalised(model);
      const dense = weights.find((w) => w.value.rank === 2);
      expect(refusal(() => probePenalty(penalty('pwdense:1e-3'), { weights }))).toMatch(
        new RegExp(`^penalty pwdense:0\\.001 on ${dense?.name} \\(shape \\[${dense?.value.shape.join(',')}\\]\\) has gradient NaN where all its weights are 0`),
      );
    } finally {
      model.dispose();
    }
  });

  // On a model, TF.js itself calls such a penalty as attachToKernels builds it: a conv kernel's tensor here.
  /** What probePenalty says of `spec` (which passes the probe tensors alone) on a conv kernel [3,3,1,4]. */
  const onConvKernel = (spec: string) => {
    expect(() => probePenalty(penalty(spec))).not.toThrow();
    const kernel = tf.ones([3, 3, 1, 4]);
    try {
      return refusal(() => probePenalty(penalty(spec), { weights: [{ name: 'conv/kernel', value: kernel }] }));
    } finally {
      kernel.dispose();
    }
  };

  it('says the weight where its gradient is not finite as written (w = 0.3), not float32 noise (it said w = 0.30000001192092896)', () => {
    definePenalty({ name: 'pwroot', fn: (w) => tf.sqrt(abs(tf.sub(w, 0.3))) });
    const value = tf.tensor1d([0.5, 0.3]);
    try {
      expect(refusal(() => probePenalty(penalty('pwroot:1e-3'), { weights: [{ name: 'd/bias', value }] }))).toMatch(
        /^penalty pwroot:0\.001 on d\/bias \(shape \[2\]\) has gradient NaN at the untrained weights \(entry 1, w = 0\.3\); nothing was trained; /,
      );
    } finally {
      value.dispose();
    }
  });

  it('a penalty that throws on a rank-4 kernel only is refused naming the kernel and its shape (it named neither)', () => {
    definePenalty({
      name: 'pwrank',
      fn: (w) => {
        if (w.rank > 2) throw new Error('expects a matrix');
        return tf.square(w);
      },
    });
    expect(onConvKernel('pwrank:1e-3')).toBe('penalty pwrank:0.001 on conv/kernel (shape [3,3,1,4]) at the untrained weights threw: expects a matrix');
  });

  it('a result of another shape on a rank-4 kernel is said of that kernel (it named neither the weight nor its shape)', () => {
    // Keeps the last axis on a rank-4 weight: [4] for a kernel [3,3,1,4], neither a scalar nor its shape.
    definePenalty({ name: 'pwkeep', fn: (w) => (w.rank === 4 ? tf.sum(tf.square(w), [0, 1, 2]) : tf.square(w)) });
    expect(onConvKernel('pwkeep:1e-3')).toBe(
      "penalty pwkeep:0.001 on conv/kernel (shape [3,3,1,4]) at the untrained weights: penalty pwkeep returned a tensor of shape [4] for weights of shape [3,3,1,4]; return a scalar or an element-wise tensor of the weights' shape",
    );
  });

  it('a tf.customGrad whose gradient is not of the weight’s shape is refused on that weight (it was accepted)', () => {
    // Its gradient sums over the first axis: [3] for a weight [2,3]; on a rank-1 weight it is a scalar, broadcast.
    const sq = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
      const [x, save] = args as [Tensor, tf.GradSaveFunc];
      save([x]);
      return { value: tf.sum(tf.square(x)), gradFunc: (dy: Tensor, [s]: Tensor[]) => tf.mul(dy, tf.mul(2, tf.sum(s as Tensor, 0))) };
    });
    definePenalty({ name: 'pwgradshape', fn: (w) => (w.rank === 1 ? tf.square(w) : (sq(w) as Tensor)) });
    const kernel = tf.tensor2d([0.5, -1, 2, 1, 0.25, -0.5], [2, 3]);
    try {
      expect(refusal(() => probePenalty(penalty('pwgradshape:1'), { weights: [{ name: 'd/kernel', value: kernel }] }))).toMatch(
        /^penalty pwgradshape:1 on d\/kernel \(shape \[2,3\]\) has a gradient of shape \[3\] at the untrained weights, not the weights' shape \[2,3\]: a tf\.customGrad's gradFunc/,
      );
    } finally {
      kernel.dispose();
    }
  });

  it('fit refuses it before training, naming the kernel and its shape (a penalty in the caller’s own code, never probed)', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ name: 'd', units: 2, inputShape: [3], kernelRegularizer: penalty('pwgl:1e-3') })] });
    const [x, y] = [tf.ones([4, 3]), tf.zeros([4, 2])];
    let began = false;
    try {
      const callbacks = [{ onTrainBegin: () => void (began = true) }];
      const error = await fit(model, { x, y }, { epochs: 1, batchSize: 4, loss: 'meanSquaredError', callbacks }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(SpecError);
      expect((error as Error).message).toMatch(/^penalty pwgl:0\.001 on d\/kernel \(shape \[3,2\]\) has gradient NaN where all its weights are 0/);
      expect(began).toBe(false);
    } finally {
      model.dispose();
      tf.dispose([x, y]);
    }
  });

  it("the playground's code box: refused on the model's kernels, at the code box (probeUserPenalty with the model); a smooth one passes", async () => {
    const model = await cnnWith('pwgl:1e-3');
    try {
      expect(refusal(() => probeUserPenalty(penalty('pwgl:1e-3'), model))).toMatch(/^penalty pwgl:0\.001 on \S+\/kernel \(shape \[[\d,]+\]\) has gradient NaN/);
    } finally {
      model.dispose();
    }
    definePenalty({
      name: 'pwglsmooth',
      fn: (w) =>
        w.rank === 1
          ? abs(w)
          : tf.sum(
              tf.sqrt(
                tf.add(
                  tf.sum(
                    tf.square(w),
                    Array.from({ length: w.rank - 1 }, (_, i) => i),
                  ),
                  1e-8,
                ),
              ),
            ),
    });
    const smooth = await cnnWith('pwglsmooth:1e-3');
    try {
      expect(() => probeUserPenalty(penalty('pwglsmooth:1e-3'), smooth)).not.toThrow();
    } finally {
      smooth.dispose();
    }
  });
});
