import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import logsum from '../../mnist-demo/examples/logsum-penalty.ts';
import {
  constraint,
  constraintCatalog,
  constraintFromJson,
  formatSpec,
  loadModel,
  type ParamDef,
  type PenaltyRegularizer,
  type PenxConstraint,
  penalty,
  penaltyCatalog,
  penaltyLoss,
  regularizerFromJson,
  SpecError,
  saveModel,
  tf,
  UsageError,
} from '../../src/node.ts';
import clip from '../fixtures/constraints/clip.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Through JSON text and TF.js's own class registry, as a saved model's loader does. */
function throughJson<T extends tf.serialization.Serializable>(obj: T): T {
  const json = JSON.parse(JSON.stringify({ className: obj.getClassName(), config: obj.getConfig() })) as {
    className: string;
    config: tf.serialization.ConfigDict;
  };
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[json.className];
  if (!entry) throw new Error(`${json.className} is not registered with TF.js`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, json.config) as T;
}

const probe = () => tf.randomNormal([6, 5], 0, 0.6, 'float32', 7);

describe('round trip over every registry entry', () => {
  it('covers the user definitions too', () => {
    expect(penaltyCatalog.names()).toContain(logsum.name);
    expect(constraintCatalog.names()).toContain(clip.name);
  });

  for (const def of penaltyCatalog.list()) {
    it(`penalty ${def.name}: to JSON and back, same spec and values`, () => {
      // Non-default parameter values, so defaults cannot hide a lost parameter.
      const params = Object.fromEntries(Object.entries(def.params).map(([k, p]) => [k, p.default * 1.5 + 0.1]));
      const reg = penalty(formatSpec(def.name, def.takesStrength ? 3e-3 : undefined, params));
      const back = throughJson(reg) as PenaltyRegularizer;
      expect(back.spec).toBe(reg.spec);
      expect(back.getClassName()).toBe(`penx.${def.name}`);
      const w = probe();
      expect(back.apply(w).dataSync()[0]).toBe(reg.apply(w).dataSync()[0]);
    });
  }

  for (const def of constraintCatalog.list()) {
    // Every parameter off its default; an axis and perchannel=1 exclude each other, so one spec with each.
    const variants = 'perchannel' in def.params ? (['axis', 'perchannel'] as const) : (['axis'] as const);
    for (const chosen of variants) {
      it(`constraint ${def.name} (${chosen} set): to JSON and back, same spec and values`, () => {
        const value = (k: string, p: ParamDef) =>
          k === 'axis'
            ? chosen === 'axis'
              ? 1
              : p.default
            : k === 'perchannel'
              ? chosen === 'perchannel'
                ? 1
                : p.default
              : p.integer
                ? (p.max ?? p.default + 1)
                : k === 'rate'
                  ? 0.3
                  : p.default + 0.2;
        const params = Object.fromEntries(Object.entries(def.params).map(([k, p]) => [k, value(k, p)]));
        const c = constraint(formatSpec(def.name, undefined, params));
        const back = throughJson(c) as PenxConstraint;
        expect(back.spec).toBe(c.spec);
        const w = probe();
        expect(Array.from(back.apply(w).dataSync())).toEqual(Array.from(c.apply(w).dataSync()));
      });
    }
  }
});

describe('regularizerFromJson: a regularizer again from the { className, config } a custom layer is given', () => {
  /** Through JSON text, as a layer's config is saved and handed back to its constructor. */
  const json = (r: tf.serialization.Serializable) =>
    JSON.parse(JSON.stringify({ className: r.getClassName(), config: r.getConfig() })) as { className: string; config: tf.serialization.ConfigDict };

  for (const def of penaltyCatalog.list()) {
    it(`penalty ${def.name}: the same class, spec and values`, () => {
      const params = Object.fromEntries(Object.entries(def.params).map(([k, p]) => [k, p.default * 1.5 + 0.1]));
      const reg = penalty(formatSpec(def.name, def.takesStrength ? 3e-3 : undefined, params));
      const back = regularizerFromJson(json(reg)) as unknown as PenaltyRegularizer;
      expect(back.getClassName()).toBe(`penx.${def.name}`);
      expect(back.spec).toBe(reg.spec);
      const w = probe();
      expect(back.apply(w).dataSync()[0]).toBe(reg.apply(w).dataSync()[0]);
    });
  }

  it("TF.js's own (l1, l2, l1l2): the same config and values, λ1·Σ|w| + λ2·Σw² by hand", () => {
    const w = probe();
    const values = Array.from(w.dataSync());
    for (const [reg, l1, l2] of [
      [tf.regularizers.l1({ l1: 0.02 }), 0.02, 0],
      [tf.regularizers.l2({ l2: 0.3 }), 0, 0.3],
      [tf.regularizers.l1l2({ l1: 0.01, l2: 0.05 }), 0.01, 0.05],
    ] as const) {
      const back = regularizerFromJson(json(reg))!;
      expect(back.getClassName()).toBe('L1L2');
      expect(back.getConfig()).toEqual(reg.getConfig());
      const byHand = values.reduce((s, v) => s + l1 * Math.abs(v) + l2 * v * v, 0);
      expect(back.apply(w).dataSync()[0]).toBeCloseTo(byHand, 5);
    }
  });

  it('a regularizer as it is, null or undefined as none', () => {
    const reg = penalty('l1:0.1');
    expect(regularizerFromJson(reg)).toBe(reg);
    expect(regularizerFromJson(null)).toBeUndefined();
    expect(regularizerFromJson(undefined)).toBeUndefined();
  });

  it('refuses a className TF.js does not know, one that is no regularizer, a penalty not defined here, and JSON of another shape', () => {
    expect(() => regularizerFromJson({ className: 'NoSuchRegularizer', config: {} })).toThrow(UsageError);
    expect(() => regularizerFromJson({ className: 'NoSuchRegularizer', config: {} })).toThrow(
      /^no regularizer class NoSuchRegularizer is registered with TF\.js: TF\.js's own is L1L2 .*tf\.serialization\.registerClass$/,
    );
    expect(() => regularizerFromJson({ className: 'MaxNorm', config: { maxValue: 2, axis: 0 } })).toThrow(
      /^class MaxNorm is registered with TF\.js but is not a regularizer/,
    );
    expect(() => regularizerFromJson({ className: 'penx.neverdefined', config: { strength: 1 } })).toThrow(SpecError);
    expect(() => regularizerFromJson({ className: 'penx.neverdefined', config: { strength: 1 } })).toThrow(
      /^the penalty 'neverdefined' \(regularizer class penx\.neverdefined\) is not defined in this process; import its module/,
    );
    expect(() => regularizerFromJson({ class: 'L1L2' } as never)).toThrow(/^a regularizer's JSON must be \{ className, config \}/);
  });
});

describe('constraintFromJson: a constraint again from the { className, config } a custom layer is given', () => {
  /** Through JSON text, as a layer's config is saved and handed back to its constructor. */
  const json = (c: tf.serialization.Serializable) =>
    JSON.parse(JSON.stringify({ className: c.getClassName(), config: c.getConfig() })) as { className: string; config: tf.serialization.ConfigDict };

  for (const def of constraintCatalog.list()) {
    it(`constraint ${def.name}: the same class, spec and values`, () => {
      const params = Object.fromEntries(
        Object.entries(def.params).map(([k, p]) => [k, k === 'axis' || k === 'perchannel' || p.integer ? p.default : k === 'rate' ? 0.3 : p.default + 0.2]),
      );
      const c = constraint(formatSpec(def.name, undefined, params));
      const back = constraintFromJson(json(c)) as unknown as PenxConstraint;
      expect(back.getClassName()).toBe(c.getClassName());
      expect(back.spec).toBe(c.spec);
      const w = probe();
      expect(Array.from(back.apply(w).dataSync())).toEqual(Array.from(c.apply(w).dataSync()));
    });
  }

  it("TF.js's own (MaxNorm, MinMaxNorm, NonNeg, UnitNorm): the same config and values; NonNeg max(w, 0) by hand", () => {
    const w = probe();
    for (const c of [
      tf.constraints.maxNorm({ maxValue: 0.5, axis: 0 }),
      tf.constraints.minMaxNorm({ minValue: 0.1, maxValue: 0.4 }),
      tf.constraints.nonNeg(),
      tf.constraints.unitNorm({ axis: 0 }),
    ]) {
      const back = constraintFromJson(json(c))!;
      expect(back.getClassName()).toBe(c.getClassName());
      expect(back.getConfig()).toEqual(c.getConfig());
      expect(Array.from(back.apply(w).dataSync())).toEqual(Array.from(c.apply(w).dataSync()));
    }
    expect(
      Array.from(
        constraintFromJson({ className: 'NonNeg', config: {} })!
          .apply(tf.tensor([1, -2]))
          .dataSync(),
      ),
    ).toEqual([1, 0]);
  });

  it('a constraint as it is, null or undefined as none', () => {
    const c = constraint('maxnorm:m=2');
    expect(constraintFromJson(c)).toBe(c);
    expect(constraintFromJson(null)).toBeUndefined();
    expect(constraintFromJson(undefined)).toBeUndefined();
  });

  it('refuses a className TF.js does not know, one that is no constraint, a constraint not defined here, and JSON of another shape', () => {
    expect(() => constraintFromJson({ className: 'NoSuchConstraint', config: {} })).toThrow(UsageError);
    expect(() => constraintFromJson({ className: 'NoSuchConstraint', config: {} })).toThrow(
      /^no constraint class NoSuchConstraint is registered with TF\.js: TF\.js's own are MaxNorm, .*tf\.serialization\.registerClass$/,
    );
    expect(() => constraintFromJson({ className: 'L1L2', config: { l1: 0.01, l2: 0 } })).toThrow(
      /^class L1L2 is registered with TF\.js but is not a constraint/,
    );
    expect(() => constraintFromJson({ className: 'penx.constraint.neverdefined', config: {} })).toThrow(SpecError);
    expect(() => constraintFromJson({ className: 'penx.constraint.neverdefined', config: {} })).toThrow(
      /^the constraint 'neverdefined' \(constraint class penx\.constraint\.neverdefined\) is not defined in this process; import its module \(the one calling defineConstraint/,
    );
    expect(() => constraintFromJson({ class: 'MaxNorm' } as never)).toThrow(/^a constraint's JSON must be \{ className, config \}/);
  });
});

describe('a model with a user penalty', () => {
  const X = [
    [0.1, -0.4, 0.7, 0.2],
    [1.5, 0.3, -0.2, -1],
  ];
  function build() {
    return tf.sequential({
      layers: [
        tf.layers.dense({
          units: 8,
          inputShape: [4],
          activation: 'relu',
          kernelRegularizer: penalty('logsum:2e-3,eps=0.05'),
          kernelConstraint: constraint('clipvalue:c=0.9'),
        }),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelRegularizer: penalty('deadzone:1e-3,a=0.1') }),
      ],
    });
  }

  it('saves and loads back with identical predictions, penalty value and specs', async () => {
    const model = build();
    const dir = await mkdtemp(join(tmpdir(), 'penx-model-'));
    dirs.push(dir);
    await saveModel(model, join(dir, 'm'));
    const loaded = await loadModel(join(dir, 'm'));
    const x = tf.tensor2d(X);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
    expect(penaltyLoss(loaded).dataSync()[0]).toBe(penaltyLoss(model).dataSync()[0]);
    expect(penaltyLoss(model).dataSync()[0]).toBeGreaterThan(0);
    const layer = loaded.layers[0] as unknown as { kernelRegularizer: PenaltyRegularizer; kernelConstraint: PenxConstraint };
    expect(layer.kernelRegularizer.spec).toBe('logsum:0.002,eps=0.05');
    expect(layer.kernelConstraint.spec).toBe('clipvalue:c=0.9');
  });

  it('loads in a fresh process that imports the penalty module', async () => {
    const model = build();
    const dir = await mkdtemp(join(tmpdir(), 'penx-model-'));
    dirs.push(dir);
    await saveModel(model, join(dir, 'm'));
    // The constraint module is not imported there; register it by importing it as the process starts.
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--import', './test/fixtures/constraints/clip.ts', 'test/fixtures/load-model.ts', join(dir, 'm'), JSON.stringify(X)],
      { encoding: 'utf8' },
    );
    const got = JSON.parse(out.trim().split('\n').pop() as string) as { predictions: number[]; penalty: number; regularizer: string };
    expect(got.predictions).toEqual(Array.from((model.predict(tf.tensor2d(X)) as tf.Tensor).dataSync()));
    expect(got.penalty).toBe(penaltyLoss(model).dataSync()[0]);
    expect(got.regularizer).toBe('logsum:0.002,eps=0.05');
  });
});

describe('loading a model whose penalty is not defined here', () => {
  it('says which penalty, and to import its module first', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const dir = await mkdtemp(join(tmpdir(), 'penx-unknown-'));
    dirs.push(dir);
    const layer = {
      class_name: 'Dense',
      config: { name: 'd', units: 1, batch_input_shape: [null, 2], kernel_regularizer: { class_name: 'penx.neverdefined', config: { strength: 1 } } },
    };
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({
        modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [layer] } },
        weightsManifest: [{ paths: ['weights.bin'], weights: [] }],
      }),
    );
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(0));
    await expect(loadModel(dir)).rejects.toThrow(
      /uses the penalty 'neverdefined', which is not defined in this process; import its module \(the one calling definePenalty\(\{ name: 'neverdefined'/,
    );
    // What the README's "Adding a penalty" quotes of it (logsum is defined here, so the name is another).
    const section = readFileSync('README.md', 'utf8').split('## Adding a penalty')[1]!.split('## The command line')[0]!.replace(/\s+/g, ' ');
    const quoted = /else `loadModel` refuses it, "export\/model\/model\.json ([^"]*)"/.exec(section)?.[1];
    expect(quoted).toContain("uses the penalty 'logsum', which is not defined in this process");
    await expect(loadModel(dir)).rejects.toThrow(`${join(dir, 'model.json')} ${quoted!.replaceAll('logsum', 'neverdefined')}`);
  });
});

describe('a saved config is checked as a spec is', () => {
  /** A one-Dense model as TF.js loads it from its JSON, the kernel's regularizer and constraint as given. */
  const load = (regularizer: unknown, constraint: unknown = null) =>
    tf.loadLayersModel(
      tf.io.fromMemory({
        class_name: 'Sequential',
        config: {
          name: 's',
          layers: [
            {
              class_name: 'Dense',
              config: { name: 'd', units: 2, batch_input_shape: [null, 3], kernel_regularizer: regularizer, kernel_constraint: constraint },
            },
          ],
        },
      }),
    );
  const regularizerOf = (m: tf.LayersModel) => (m.layers[0] as unknown as { kernelRegularizer: PenaltyRegularizer }).kernelRegularizer;

  it('a value out of bounds, or not a number, stops the load naming it (it had loaded, or become the default, silently)', async () => {
    await expect(load({ class_name: 'penx.l1', config: { strength: -0.5 } })).rejects.toThrow(
      /saved penalty l1: strength=-0.5 is not allowed; expected a finite number ≥ 0/,
    );
    // Not the default 1e-4 in place of a strength written as text.
    await expect(load({ class_name: 'penx.l1', config: { strength: '0.5' } })).rejects.toThrow(/saved penalty l1: strength is "0.5", not a number/);
    await expect(load({ class_name: 'penx.lp', config: { strength: 0.1, p: 0 } })).rejects.toThrow(/saved penalty lp parameter p=0 is not allowed/);
    await expect(load({ class_name: 'penx.deadzone', config: { strength: 0.1, a: null } })).rejects.toThrow(/saved penalty deadzone parameter a is null/);
    await expect(load(null, { class_name: 'penx.constraint.maxnorm', config: { m: -1, axis: [0] } })).rejects.toThrow(
      /saved constraint maxnorm parameter m=-1 is not allowed/,
    );
    await expect(load(null, { class_name: 'penx.constraint.minmaxnorm', config: { min: 3, max: 1, rate: 1, axis: [0] } })).rejects.toThrow(
      /saved constraint minmaxnorm: minmaxnorm needs min ≤ max/,
    );
  });

  it('a valid config loads as saved; a parameter it lacks (declared since) takes its default', async () => {
    expect(regularizerOf(await load({ class_name: 'penx.lp', config: { strength: 0.25, p: 3 } })).spec).toBe('lp:0.25,p=3');
    expect(regularizerOf(await load({ class_name: 'penx.deadzone', config: { strength: 0.25 } })).spec).toBe('deadzone:0.25,a=0.25');
    const m = await load(null, { class_name: 'penx.constraint.maxnorm', config: { m: 2, axis: 1 } });
    expect((m.layers[0] as unknown as { kernelConstraint: PenxConstraint }).kernelConstraint.spec).toBe('maxnorm:m=2,axis=1');
  });
});
