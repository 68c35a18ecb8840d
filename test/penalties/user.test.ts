import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  abs,
  defineConstraint,
  defineGradientTransform,
  definePenalty,
  fit,
  loadPenalty,
  optimizerFor,
  optimizerSpec,
  penalty,
  probePenalty,
  SpecError,
  type Tensor,
  tf,
  trainStep,
  UserCodeError,
  withProximal,
} from '../../src/node.ts';
import { at, expectClose, finiteDiff, gradAt } from '../helpers.ts';

describe('the README example: log-sum penalty', () => {
  it('loads from its file and computes λ·Σ log(1 + |w|/eps)', async () => {
    const reg = await loadPenalty('./mnist-demo/examples/logsum-penalty.ts:1e-2,eps=0.05');
    expect(reg.spec).toBe('logsum:0.01,eps=0.05');
    const xs = [-1, -0.2, 0, 0.05, 0.3, 2];
    expectClose(
      xs.map((x) => at((w) => reg.apply(w), x)),
      xs.map((x) => 1e-2 * Math.log(1 + Math.abs(x) / 0.05)),
      1e-5,
      1e-8,
    );
    // Gradient λ·sign(w)/(eps + |w|), 0 at w = 0.
    expectClose(
      xs.map((x) => gradAt((w) => reg.apply(w), x)),
      xs.map((x) => (1e-2 * Math.sign(x)) / (0.05 + Math.abs(x))),
      1e-4,
      1e-7,
    );
    expectClose([gradAt((w) => reg.apply(w), 0.3)], [finiteDiff((w) => reg.apply(w), 0.3)], 2e-3);
    // Once loaded, its name works like a built-in's.
    expect(penalty('logsum:1e-3').spec).toBe('logsum:0.001,eps=0.01');
  });

  it('trains a layer like a built-in does', async () => {
    const reg = await loadPenalty('./mnist-demo/examples/logsum-penalty.ts:0.1');
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelRegularizer: reg })] });
    const r = await trainStep(
      model,
      tf.train.sgd(0.1),
      tf.ones([4, 3]),
      tf.tensor2d([
        [1, 0],
        [0, 1],
        [1, 0],
        [0, 1],
      ]),
      {
        loss: (y, p) => tf.losses.meanSquaredError(y, p) as tf.Scalar,
      },
    );
    expect(r.penaltyLoss).toBeGreaterThan(0);
    expect(Number.isFinite(r.dataLoss)).toBe(true);
  });
  it('named without its extension, as an import would be: not found, and the file that is there named', async () => {
    await expect(loadPenalty('./mnist-demo/examples/logsum-penalty:1e-4')).rejects.toThrow(
      new SpecError(
        `penalty module './mnist-demo/examples/logsum-penalty' not found (looked for ${resolve('mnist-demo/examples/logsum-penalty')}); a module is named with its extension: './mnist-demo/examples/logsum-penalty.ts'`,
      ),
    );
    await expect(loadPenalty('./mnist-demo/examples/nope:1e-4')).rejects.toThrow(/not found \(looked for \S+\/nope\)$/);
  });
});

describe('definePenalty', () => {
  it('sums an element-wise φ and takes a whole-tensor value as it is', async () => {
    const sq = await loadPenalty('./test/fixtures/penalties/whole-tensor.ts:0.5,k=2');
    const w = tf.tensor([1, 2, -0.5]);
    expectClose([sq.apply(w).dataSync()[0]!], [0.5 * 2 * 2.5 ** 2], 1e-6);
    const cube = definePenalty({ name: 'cube', fn: (x: Tensor) => tf.pow(x, 3) });
    expectClose([penalty({ name: 'cube', strength: 1 }).apply(w).dataSync()[0]!], [1 + 8 - 0.125], 1e-6);
    expect(cube.formula).toBe('Σ cube(w)');
  });

  it('refuses built-in names and bad names', () => {
    // What would be right, too (it listed the built-ins only).
    expect(() => definePenalty({ name: 'l1', fn: (w) => w })).toThrow(
      /^penalty name 'l1' is taken by a built-in; give yours a name of its own \(e\.g\. 'myl1'\), none of none, l1, l2, l1l2, l3, l4, lp, deadzone$/,
    );
    expect(() => definePenalty({ name: 'has space', fn: (w) => w })).toThrow(SpecError);
  });

  it('validates its parameters like a built-in', () => {
    definePenalty({ name: 'scaled', params: { s: { default: 1, above: 0, doc: 'scale' } }, fn: (w, { s }) => tf.mul(s, tf.square(w)) });
    expect(() => penalty('scaled:1e-4,s=0')).toThrow(/scaled parameter s=0 is not allowed; expected a finite number > 0/);
    expect(() => penalty('scaled:1e-4,t=1')).toThrow(/unknown parameter 't'.*accepts: s=1/);
  });

  it('takes a parameter without its doc, as JavaScript always did: typed a number in fn (the type check of this file failed: "Property \'doc\' is missing")', () => {
    definePenalty({ name: 'undocumented', params: { s: { default: 0.5, above: 0 } }, fn: (w, { s }) => tf.div(tf.square(w), s) });
    expectClose(
      [
        penalty('undocumented:2,s=0.25')
          .apply(tf.tensor([1, -2]))
          .dataSync()[0]!,
      ],
      [(2 * (1 + 4)) / 0.25],
      1e-6,
    );
    expect(() => penalty('undocumented:1,s=0')).toThrow(/undocumented parameter s=0 is not allowed; expected a finite number > 0/);
  });

  it('refuses a declaration its own bounds refuse: a default out of bounds, a negative or NaN default strength', () => {
    const fn = (w: Tensor) => tf.abs(w);
    // eps = 0 by default would make penalty('badeps') a division by zero, Infinity in the loss.
    expect(() => definePenalty({ name: 'badeps', params: { eps: { default: 0, above: 0, doc: '' } }, fn })).toThrow(
      /penalty badeps: default of parameter eps=0 is not allowed; expected a finite number > 0/,
    );
    expect(() => definePenalty({ name: 'badk', params: { k: { default: 1.5, integer: true, doc: '' } }, fn })).toThrow(
      /k=1.5 is not allowed; expected an integer/,
    );
    expect(() => definePenalty({ name: 'negative', defaultStrength: -1, fn })).toThrow(
      /penalty negative: default strength=-1 is not allowed; expected a finite number ≥ 0/,
    );
    expect(() => definePenalty({ name: 'nanstrength', defaultStrength: Number.NaN, fn })).toThrow(SpecError);
    expect(() => defineConstraint({ name: 'badm', params: { m: { default: -1, min: 0, doc: '' } }, fn: (w) => w })).toThrow(
      /constraint badm: default of parameter m=-1 is not allowed/,
    );
    for (const name of ['badeps', 'badk', 'negative', 'nanstrength']) expect(() => penalty(name)).toThrow(/unknown penalty/);
  });

  it('refuses a definition whose fn or prox is not a function, or a parameter without a default, saying so (it was accepted, or "Cannot read properties of undefined")', () => {
    const fn = (w: Tensor) => tf.abs(w);
    expect(() => definePenalty({ name: 'fnnumber', fn: 3 as never })).toThrow(/penalty fnnumber: fn must be a function \(w, params\) => tensor, got number/);
    expect(() => definePenalty({ name: 'proxstring', fn, prox: 'soft' as never })).toThrow(
      /penalty proxstring: prox must be a function \(w, tau, params\) => tensor, got string/,
    );
    expect(() => defineConstraint({ name: 'cnull', fn: null as never })).toThrow(/constraint cnull: fn must be a function \(w, params\) => tensor, got null/);
    expect(() => defineGradientTransform({ name: 'gmissing', fn: undefined as never })).toThrow(/gradient transform gmissing: fn must be a function/);
    expect(() => definePenalty({ name: 'nodefault', params: { k: { doc: 'k' } } as never, fn })).toThrow(
      /penalty nodefault: parameter k has no default; declare it as \{ default: a number, doc: '…' \}/,
    );
    expect(() => defineConstraint({ name: 'numparam', params: { c: 0.5 } as never, fn })).toThrow(/constraint numparam: parameter c has no default/);
    for (const name of ['fnnumber', 'proxstring', 'nodefault']) expect(() => penalty(name)).toThrow(/unknown penalty/);
  });

  it("refuses a parameter named 'strength': a saved model keeps λ under that key, so λ would not survive a save", () => {
    expect(() =>
      definePenalty({ name: 'selfstrength', params: { strength: { default: 1, doc: '' } }, fn: (w, { strength }) => tf.mul(strength, tf.abs(w)) }),
    ).toThrow(
      // It said only 'give the parameter another name', as if λ belonged in fn under another one.
      /penalty selfstrength declares a parameter 'strength', the name of its strength \(λ\), which is applied outside fn \(the spec's value: selfstrength:1e-4\); leave λ out of fn and drop the parameter, or give it another name/,
    );
  });
});

describe('the probe of a penalty before training', () => {
  it('a NaN or a constant is refused saying what was wrong and what would be right (it was TF.js\'s "Cannot compute gradient")', () => {
    const refusal = (name: string, fn: (w: Tensor) => Tensor) => {
      definePenalty({ name, fn });
      try {
        probePenalty(penalty(`${name}:1e-3`));
      } catch (err) {
        expect(err).toBeInstanceOf(SpecError);
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(refusal('nanscalar', () => tf.scalar(Number.NaN))).toBe(
      'penalty nanscalar returned NaN on a probe tensor of shape [4,4]; a penalty must be finite: check it for a log or a division at w = 0, ' +
        'or a value too large for float32 (TF.js computes in float32, whose largest value is 3.4028235e38: beyond it a value is ±Infinity ' +
        '(tf.mul(tf.square(w), 1e38) at |w| ≥ 1.85, a constant 1e45), and ∞ − ∞ or 0·∞ is NaN; scale such a penalty down)',
    );
    expect(refusal('infscalar', () => tf.scalar(Number.POSITIVE_INFINITY))).toMatch(/^penalty infscalar returned Infinity .*a penalty must be finite: /);
    expect(refusal('nanweights', (w) => tf.mul(w, Number.NaN))).toMatch(/^penalty nanweights returned NaN .*must be finite: /);
    // Beyond float32's range (finite as a double): the refusal says float32's largest value; it said only "must be finite".
    const overflows = { strong: (w: Tensor) => tf.mul(tf.square(w), 1e38), big: () => tf.scalar(1e45) };
    for (const [name, fn] of Object.entries(overflows))
      expect([name, refusal(name, fn)]).toEqual([
        name,
        expect.stringMatching(new RegExp(`^penalty ${name} returned Infinity on a probe tensor of shape \\[4,4\\]; .*largest value is 3\\.4028235e38: `)),
      ]);
    // The probe's largest |w| is 2: 1e38·w² is ∞ from |w| ≈ 1.845, as the refusal says; below, finite.
    expect(
      Array.from(
        tf.tidy(() => tf.mul(tf.square(tf.tensor1d([1.84, 1.85])), 1e38).dataSync()),
        Number.isFinite,
      ),
    ).toEqual([true, false]);
    const constant = refusal('constant', () => tf.scalar(1));
    expect(constant).toMatch(/^penalty constant has no gradient with respect to the weights w: its value does not depend on w/);
    expect(constant).toMatch(/compute it from w with differentiable ops, e\.g\. tf\.sum\(abs\(w\)\)$/);
    // The penalty's own error is still said as its own, and a good one passes.
    expect(
      refusal('throwsingrad', (w) => {
        if (w.rank === 1) throw new Error('no 1-D weights');
        return tf.abs(w);
      }),
    ).toBe('penalty throwsingrad threw on probe weights of shape [15] (the non-zero probe values, for its gradient): no 1-D weights');
    expect(refusal('fine', (w) => tf.square(w))).toBe('accepted');
  });
});

describe('what the probe says of a malformed penalty: what was wrong, and what would be right', () => {
  const refusal = (name: string, fn: (w: Tensor) => Tensor) => {
    definePenalty({ name, fn });
    return () => probePenalty(penalty(`${name}:1e-3`));
  };
  const huberOf = (d: number) => (w: Tensor) => {
    const a = abs(w);
    const m = tf.minimum(a, d);
    return tf.div(tf.mul(m, tf.sub(a, tf.div(m, 2))), d);
  };

  it('a tf.where choosing by a comparison (a Huber penalty as one writes it) names the comparison and the way to write it (it said "its value does not depend on w")', () => {
    const where = refusal('huberwhere', (w) => tf.where(tf.lessEqual(abs(w), 0.1), tf.div(tf.square(w), 0.2), tf.sub(abs(w), 0.05)));
    expect(where).toThrow(SpecError);
    expect(where).toThrow(
      /^penalty huberwhere has no gradient with respect to the weights w: TF\.js has no gradient for LessEqual, a comparison \(a tf\.where choosing by one included\).*write a piecewise penalty with tf\.minimum, tf\.maximum or tf\.relu instead, e\.g\. Huber's: m = tf\.minimum\(abs\(w\), d\)/,
    );
    // The form it points to passes, and is Huber's: w²/(2d) within d, |w| − d/2 beyond.
    expect(refusal('huberminimum', huberOf(0.1))).not.toThrow();
    const xs = [-2, -0.3, -0.1, -0.05, 0, 0.02, 0.1, 0.7];
    expectClose(
      xs.map((x) => at((w) => penalty('huberminimum:1').apply(w), x)),
      xs.map((x) => (Math.abs(x) <= 0.1 ? x ** 2 / 0.2 : Math.abs(x) - 0.05)),
      1e-5,
      1e-7,
    );
  });

  it('a step function (tf.floor, tf.round: TF.js gives them a zero gradient) is refused, saying so (it was accepted, and trained nothing); a flat continuous one passes', () => {
    expect(refusal('floorsteps', (w) => tf.floor(tf.mul(abs(w), 10)))).toThrow(
      /^penalty floorsteps has a zero gradient at every w from -2 to 2 \(0\.01 apart\), yet its value changes between them \(0 at w = -0\.09, 20 at w = -2\): a step function.*tf\.round/,
    );
    expect(refusal('roundsteps', (w) => tf.round(tf.square(w)))).toThrow(/^penalty roundsteps has a zero gradient at every w/);
    // Continuous, 0-gradient at every probe weight: a ramp between two of them (0.25 to 0.3) and a dead zone wider than the probe.
    expect(refusal('ramp', (w) => tf.sub(tf.relu(tf.sub(abs(w), 0.25)), tf.relu(tf.sub(abs(w), 0.3))))).not.toThrow();
    expect(refusal('widedeadzone', (w) => tf.relu(tf.sub(abs(w), 3)))).not.toThrow();
  });

  it('a penalty that ignores w but has a gradient (tf.onesLike(w), w times 0: 0 everywhere) is refused as not depending on w (it was accepted, and trained nothing); a dead zone past the probe passes', () => {
    const ones = refusal('ignoresw', (w) => tf.onesLike(w));
    expect(ones).toThrow(SpecError);
    expect(ones).toThrow(
      /^penalty ignoresw does not depend on the weights w: its value is 401 and its gradient 0 at every w probed \(from -20000 to 20000\), so training would never move a weight by it .*e\.g\. tf\.sum\(abs\(w\)\)$/,
    );
    expect(refusal('timeszero', (w) => tf.sum(tf.mul(w, 0)))).toThrow(/^penalty timeszero does not depend on the weights w: its value is 0 /);
    expect(refusal('verywidedeadzone', (w) => tf.relu(tf.sub(abs(w), 100)))).not.toThrow();
  });

  /** What fit throws for a dense layer `d` with `spec` on its kernel or bias (zeros, TF.js's default), and whether training began. */
  const fitRefusal = async (where: 'kernel' | 'bias', spec: string) => {
    const model = tf.sequential({ layers: [tf.layers.dense({ name: 'd', units: 2, inputShape: [3], [`${where}Regularizer`]: penalty(spec) })] });
    let began = false;
    const [x, y] = [tf.ones([4, 3]), tf.zeros([4, 2])];
    try {
      const callbacks = [{ onTrainBegin: () => void (began = true) }];
      const error = await fit(model, { x, y }, { epochs: 1, batchSize: 4, loss: 'meanSquaredError', callbacks }).then(
        () => undefined,
        (err: unknown) => err,
      );
      return { error, began };
    } finally {
      model.dispose();
      tf.dispose([x, y]);
    }
  };

  it('fit refuses a penalty defined in the caller\'s code (not probed) that TF.js cannot differentiate, naming it, the weight and the fix (it was TF.js\'s bare "Cannot compute gradient" at the first batch)', async () => {
    definePenalty({ name: 'fitwhere', fn: (w) => tf.where(tf.lessEqual(abs(w), 0.1), tf.square(w), abs(w)) });
    const { error, began } = await fitRefusal('kernel', 'fitwhere:1e-3');
    expect(error).toBeInstanceOf(SpecError);
    expect((error as Error).message).toMatch(
      /^penalty fitwhere:0\.001 on d\/kernel \(shape \[3,2\]\) has no gradient with respect to the weights w: TF\.js has no gradient for LessEqual, a comparison.*tf\.minimum/,
    );
    expect(began).toBe(false);
  });

  it("fit refuses a penalty defined in the caller's code (not probed) whose gradient is NaN at the untrained weights, a bias of 0, naming it, the weight, the entry and the fix (it trained, and the weights turned NaN at the first step)", async () => {
    definePenalty({ name: 'fitroot', fn: (w) => tf.sqrt(abs(w)) });
    const { error, began } = await fitRefusal('bias', 'fitroot:1e-3');
    expect(error).toBeInstanceOf(SpecError);
    expect((error as Error).message).toMatch(
      /^penalty fitroot:0\.001 on d\/bias \(shape \[2\]\) has gradient NaN at the untrained weights \(entry 0, w = 0\); nothing was trained; .*smooth it at 0 by writing \|w\| as √\(w² \+ eps\)/,
    );
    expect(began).toBe(false);
  });

  it('a non-finite gradient says where it is and what it was (it said only "on a probe tensor")', () => {
    // √|w − 0.5|: finite everywhere, its slope infinite at w = 0.5.
    expect(refusal('rootkink', (w) => tf.sqrt(tf.abs(tf.sub(w, 0.5))))).toThrow(
      /^penalty rootkink has a non-finite gradient on a probe tensor: -?Infinity at w = 0\.5; its gradient must be finite at every w ≠ 0/,
    );
  });

  it('a result of another shape is said of the penalty and its module, with no module where there is none (it said "penalty module for …", in the playground too, and never which module)', async () => {
    expect(refusal('columnsum', (w) => tf.sum(abs(w), 0))).toThrow(
      /^penalty columnsum returned a tensor of shape \[4\] for weights of shape \[4,4\]; return a scalar or an element-wise tensor of the weights' shape$/,
    );
    await expect(loadPenalty('./test/fixtures/penalties/non-scalar.ts:1e-3')).rejects.toThrow(
      /^penalty nonscalar \(from \.\/test\/fixtures\/penalties\/non-scalar\.ts\) returned a tensor of shape \[17\] for weights of shape \[4,4\]; return a scalar/,
    );
  });

  it("a gradient that is not the derivative of its value names the module (a tf.customGrad giving w³'s for |w|³ was accepted: finite)", async () => {
    await expect(loadPenalty('./test/fixtures/penalties/wrong-gradient.ts:1e-4')).rejects.toThrow(
      /^penalty wronggradient \(from \.\/test\/fixtures\/penalties\/wrong-gradient\.ts\) has a gradient that is not the derivative of its value: at w = -/,
    );
  });

  it("a user's penalty trains with the gradient finite differences give, as the built-ins' are checked (trainStep's update, SGD at lr 1, less the update without it)", async () => {
    definePenalty({ name: 'hubertrained', params: { d: { default: 0.1, above: 0 } }, fn: (w, { d }) => huberOf(d)(w) });
    const kernel = [-1.2, -0.4, -0.08, 0.03, 0.06, 0.35, 0.9, 1.7];
    const step = async (reg?: ReturnType<typeof penalty>) => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [4], useBias: false, kernelRegularizer: reg })] });
      model.layers[0]!.setWeights([tf.tensor2d(kernel, [4, 2])]);
      await trainStep(model, tf.train.sgd(1), tf.ones([3, 4]), tf.zeros([3, 2]), { loss: 'meanSquaredError' });
      const after = Array.from(model.getWeights()[0]!.dataSync());
      model.dispose();
      return after;
    };
    for (const spec of ['hubertrained:0.5,d=0.1', 'logsum:0.5,eps=0.05']) {
      if (spec.startsWith('logsum')) await loadPenalty('./mnist-demo/examples/logsum-penalty.ts');
      const reg = penalty(spec);
      const [withIt, without] = [await step(reg), await step()];
      expectClose(
        withIt.map((v, i) => without[i]! - v),
        kernel.map((x) => finiteDiff((w) => reg.apply(w), x, 1e-3)),
        3e-3,
        2e-4,
      );
    }
  });
});

describe("a user's proximal operator", () => {
  it('is probed with the penalty: one that throws, returns another shape or a non-finite weight is refused before training', async () => {
    for (const [file, message] of [
      [
        'prox-throws.ts',
        /the proximal operator of penalty proxthrows \(from \.\/test\/fixtures\/penalties\/prox-throws\.ts\) threw on a probe tensor of shape \[4,4\]: boom inside the prox/,
      ],
      ['prox-scalar.ts', /the proximal operator of penalty proxscalar returned a tensor of shape \[\] for weights of shape \[4,4\]/],
      [
        'prox-non-finite.ts',
        /the proximal operator of penalty proxnonfinite \(from \.\/test\/fixtures\/penalties\/prox-non-finite\.ts\) returned a non-finite weight on a probe tensor/,
      ],
    ] as const) {
      await expect(loadPenalty(`./test/fixtures/penalties/${file}:1e-3,prox`)).rejects.toThrow(message);
      // The same definition without ,prox: still a bad definition, refused alike.
      await expect(loadPenalty(`./test/fixtures/penalties/${file}:1e-3`)).rejects.toThrow(SpecError);
    }
  });

  it('in training: an error names it, and a result of another shape stops the step (it was broadcast over every weight)', async () => {
    const step = async (spec: string) => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelRegularizer: penalty(spec) })] });
      const before = model.getWeights().map((w) => Array.from(w.dataSync()));
      const opt = optimizerFor(model, withProximal(model, optimizerSpec('sgd:lr=0.1').transform));
      const run = trainStep(model, opt, tf.ones([4, 3]), tf.ones([4, 2]), { loss: 'meanSquaredError' });
      await expect(run).rejects.toThrow(SpecError);
      await run.catch(() => undefined);
      return { run, before, after: model.getWeights().map((w) => Array.from(w.dataSync())) };
    };
    definePenalty({
      name: 'proxlater',
      fn: (w) => tf.abs(w),
      prox: () => {
        throw new Error('boom in training');
      },
    });
    const thrown = await step('proxlater:0.1,prox');
    await expect(thrown.run).rejects.toThrow(UserCodeError);
    await expect(thrown.run).rejects.toThrow(/proximal operator of penalty proxlater:0.1,prox threw: boom in training/);
    definePenalty({ name: 'proxsum', fn: (w) => tf.abs(w), prox: (w) => tf.sum(w) });
    const summed = await step('proxsum:0.1,prox');
    await expect(summed.run).rejects.toThrow(/the proximal operator of penalty proxsum returned a tensor of shape \[\] for weights of shape \[3,2\]/);
    expect(summed.after).toEqual(summed.before);
  });
});

describe('the formula shown with λ', () => {
  it('puts a sum of terms in parentheses, and nothing else', async () => {
    const { lossFormula } = await import('../../src/index.ts');
    const pair = definePenalty({ name: 'pairsum', formula: 'Σ|w| + Σw²', fn: (w) => tf.add(tf.abs(w), tf.square(w)) });
    expect(lossFormula(pair)).toBe('λ·(Σ|w| + Σw²)');
    expect(lossFormula(penalty('deadzone').definition)).toBe('λ·Σ max(0, |w| − a)');
    expect(lossFormula(penalty('l1l2').definition)).toBe('λ·(l1·Σ|w| + l2·Σw²)');
    expect(lossFormula(penalty('l1').definition)).toBe('λ·Σ|w|');
  });
});
