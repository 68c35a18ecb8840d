/**
 * attachToKernels' `countNames`: the layers TF.js named itself (`dense_Dense7`, a count of the layers
 * made in the process) renamed by their count in the model, so a model built again from the same code
 * (a comparison's next run, a seeded repeat) names its weights alike; given names kept, a functional
 * model's references to its layers followed, the weights and predictions unchanged.
 */
import { describe, expect, it } from 'vitest';
import { attachToKernels, chain, penalty, tf, UsageError, weightNames, withLayerControls } from '../../src/index.ts';
import { inventory, namesCounted } from '../../src/model/index.ts';
import { optimizerOf } from '../../src/training/fit-optimizer.ts';
import { recordedModelName } from '../../src/training/run-config.ts';

const g = (seed: number) => tf.initializers.glorotUniform({ seed });
const names = (m: tf.LayersModel) => m.weights.map((w) => w.originalName);
const x = tf.randomUniform([4, 6], -1, 1, 'float32', 3);
const predict = (m: tf.LayersModel) => Array.from((m.predict(x) as tf.Tensor).dataSync());

/** Unnamed Dense layers around a named one. */
const sequential = () =>
  tf.sequential({
    layers: [
      tf.layers.dense({ units: 5, inputShape: [6], activation: 'relu', kernelInitializer: g(1) }),
      tf.layers.dense({ name: 'mine', units: 4, activation: 'relu', kernelInitializer: g(2) }),
      tf.layers.dense({ units: 3, kernelInitializer: g(3) }),
    ],
  });

/** Two unnamed branches joined: the layers' names are referenced by the nodes that follow them. */
const functional = () => {
  const input = tf.input({ shape: [6] });
  const a = tf.layers.dense({ units: 4, kernelInitializer: g(4) }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 4, kernelInitializer: g(5) }).apply(input) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, kernelInitializer: g(6) }).apply(joined) as tf.SymbolicTensor });
};

/** Unnamed layers inside a nested model, wrappers and a recurrent layer's cell. */
const wrapped = () => {
  const input = tf.input({ shape: [4, 3] });
  const inner = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [3], kernelInitializer: g(8) })] });
  const td = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, kernelInitializer: g(9) }) });
  const rnn = tf.layers.rnn({ cell: tf.layers.simpleRNNCell({ units: 2, kernelInitializer: g(10), recurrentInitializer: g(11) }), returnSequences: true });
  const bi = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2, kernelInitializer: g(12), recurrentInitializer: g(13) }) as tf.RNN });
  return tf.model({ inputs: input, outputs: bi.apply(rnn.apply(td.apply(inner.apply(input)))) as tf.SymbolicTensor });
};

/** Unnamed models nested in an unnamed one — a Sequential, a functional model, a Sequential in that — and a named one. */
const nested = () => {
  const input = tf.input({ shape: [6] });
  const seq = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [6], kernelInitializer: g(14) })] });
  const inner = tf.input({ shape: [4] });
  const deeper = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [4], kernelInitializer: g(15) })] });
  const functional = tf.model({ inputs: inner, outputs: deeper.apply(inner) as tf.SymbolicTensor });
  const mine = tf.sequential({ name: 'mine', layers: [tf.layers.dense({ units: 2, inputShape: [4], kernelInitializer: g(16) })] });
  return tf.model({ inputs: input, outputs: mine.apply(functional.apply(seq.apply(input))) as tf.SymbolicTensor });
};
/** The record's layer paths (`outer/inner`). */
const paths = (m: tf.LayersModel) => inventory(m).layers.map((l) => l.name);

describe('attachToKernels with countNames', () => {
  const controls = { penalty: penalty('l1:1e-3'), countNames: true };

  it('names the weights of a model built twice alike, by their count in the model; a given name is kept', async () => {
    const [first, second] = [sequential(), sequential()];
    expect(names(first)).not.toEqual(names(second));
    const [a, b] = [await attachToKernels(first, controls), await attachToKernels(second, controls)];
    expect(names(a)).toEqual(['dense_Dense1/kernel', 'dense_Dense1/bias', 'mine/kernel', 'mine/bias', 'dense_Dense2/kernel', 'dense_Dense2/bias']);
    expect(names(b)).toEqual(names(a));
    expect(predict(a)).toEqual(predict(first));
    // Without it, the names as built.
    expect(names(await attachToKernels(first, { penalty: penalty('l1:1e-3') }))).toEqual(names(first));
  });

  it("refuses a per-layer pattern of a name as built (dense_Dense7: counted across the process) naming the model's counted names, fit's optimiser too", async () => {
    // Built after another model, as in a session: its last layer is dense_Dense4 or later, not dense_Dense2.
    sequential().dispose();
    const first = sequential();
    const asBuilt = first.layers.at(-1)!.name;
    expect(asBuilt).toMatch(/^dense_Dense([3-9]|\d\d+)$/);
    const a = await attachToKernels(first, controls);
    const lrMult = [{ pattern: `${asBuilt}/kernel`, factor: 0.1 }];
    const refusal = () => withLayerControls(chain(), { lrMult }, weightNames(a), { counted: namesCounted(a) });
    expect(refusal).toThrow(UsageError);
    expect(refusal).toThrow(
      `learning-rate multiplier pattern '${asBuilt}/kernel' matches no weight; layers: dense_Dense1, mine, dense_Dense2 (globs like dense* match a layer or a weight such as conv2d_1/kernel); the layers in TF.js's name form are named by their count in this model, the same in every build: dense_Dense1, dense_Dense2; the pattern's ${asBuilt} has that form, as counted across a process (where other layers were made before it): give its count in this model`,
    );
    expect(() => optimizerOf(a, { epochs: 1, controls: { lrMult } })).toThrow(/named by their count in this model.*the pattern's dense_Dense\d+ has that form/);
    // The model as built: its names change with every model built, as the refusal says.
    expect(namesCounted(first)).toBe(false);
    expect(() => optimizerOf(first, { epochs: 1, controls: { lrMult: [{ pattern: 'dense_Dense0', factor: 0.1 }] } })).toThrow(
      /such as dense_Dense\d+, change with every model built/,
    );
  });

  it('follows a functional model’s references to the layers it renames', async () => {
    const [first, second] = [functional(), functional()];
    const [a, b] = [await attachToKernels(first, controls), await attachToKernels(second, controls)];
    expect(names(a)).toEqual([
      'dense_Dense1/kernel',
      'dense_Dense1/bias',
      'dense_Dense2/kernel',
      'dense_Dense2/bias',
      'dense_Dense3/kernel',
      'dense_Dense3/bias',
    ]);
    expect(names(b)).toEqual(names(a));
    expect(predict(a)).toEqual(predict(first));
    expect(a.layers.map((l) => l.name)).toEqual(b.layers.map((l) => l.name));
  });

  it('renames the layers in a nested model, in wrappers and a recurrent layer alike', async () => {
    const [first, second] = [wrapped(), wrapped()];
    const [a, b] = [await attachToKernels(first, controls), await attachToKernels(second, controls)];
    const lstm = ['kernel', 'recurrent_kernel', 'bias'];
    expect(names(a)).toEqual([
      'dense_Dense1/kernel',
      'dense_Dense1/bias',
      'time_distributed_TimeDistributed1/kernel',
      'time_distributed_TimeDistributed1/bias',
      ...lstm.map((w) => `rnn_RNN1/${w}`),
      ...['forward', 'backward'].flatMap((d) => lstm.map((w) => `bidirectional_Bidirectional1/${d}_lstm_LSTM1/${w}`)),
    ]);
    expect(names(b)).toEqual(names(a));
  });

  it('renames the nested models TF.js named itself by their count in the model, so the layer paths repeat; the model’s own name and a given one are kept', async () => {
    const [first, second] = [nested(), nested()];
    expect(paths(first)).not.toEqual(paths(second));
    const [a, b] = [await attachToKernels(first, controls), await attachToKernels(second, controls)];
    expect(paths(a)).toEqual(['sequential_1/dense_Dense1', 'model1/sequential_2/dense_Dense2', 'mine/dense_Dense3']);
    expect(paths(b)).toEqual(paths(a));
    expect(names(b)).toEqual(names(a));
    expect(predict(a)).toEqual(predict(first));
    expect([a.name, b.name]).toEqual([first.name, second.name]);
    expect(recordedModelName(b)).toBe('model');
    // A Sequential in a Sequential: the outer one keeps its name.
    const outer = () => tf.sequential({ layers: [tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [6] })] }), tf.layers.dense({ units: 2 })] });
    const [c, d] = [outer(), outer()];
    const [e, f] = [await attachToKernels(c, controls), await attachToKernels(d, controls)];
    expect([e.name, f.name]).toEqual([c.name, d.name]);
    expect(paths(e)).toEqual(['sequential_1/dense_Dense1', 'dense_Dense2']);
    expect(paths(f)).toEqual(paths(e));
  });

  it('counts a nested model of a registered LayersModel subclass (TF.js names it `<class><n>`), or of a Sequential subclass (`sequential_<n>`), so two builds in one process record the same paths', async () => {
    class Block extends tf.LayersModel {
      static override className = 'AttachNamesBlock';
    }
    tf.serialization.registerClass(Block);
    class Stack extends tf.Sequential {
      static override className = 'AttachNamesStack';
    }
    tf.serialization.registerClass(Stack);
    const build = () => {
      const inner = tf.input({ shape: [6] });
      const block = new Block({ inputs: inner, outputs: tf.layers.dense({ units: 4, kernelInitializer: g(17) }).apply(inner) as tf.SymbolicTensor });
      const stack = new Stack({ layers: [tf.layers.dense({ units: 2, inputShape: [4], kernelInitializer: g(18) })] });
      const input = tf.input({ shape: [6] });
      return tf.model({ inputs: input, outputs: stack.apply(block.apply(input)) as tf.SymbolicTensor });
    };
    const [first, second] = [build(), build()];
    expect(paths(first)[0]).toMatch(/^attachnamesblock\d+\/dense_Dense\d+$/);
    const [a, b] = [await attachToKernels(first, controls), await attachToKernels(second, controls)];
    expect(paths(a)).toEqual(['attachnamesblock1/dense_Dense1', 'sequential_1/dense_Dense2']);
    expect(paths(b)).toEqual(paths(a));
    expect(names(b)).toEqual(names(a));
    expect(predict(a)).toEqual(predict(first));
    // The model itself keeps its name; the record gives a subclass's without its count, as tf.model's.
    const outer = () => new Block({ inputs: first.inputs, outputs: first.outputs });
    const [c, d] = [outer(), outer()];
    expect(c.name).not.toBe(d.name);
    expect([recordedModelName(c), recordedModelName(d)]).toEqual(['attachnamesblock', 'attachnamesblock']);
  });

  it('renames only names of the exact form TF.js gives (a given one in that form too, said by onRenamed); a name that only resembles it is kept', async () => {
    const build = () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ name: 'my_Dense3', units: 4, inputShape: [6], kernelInitializer: g(19) }),
          tf.layers.dense({ name: 'dense_Dense03', units: 4, kernelInitializer: g(20) }),
          tf.layers.dense({ name: 'Dense5', units: 4, kernelInitializer: g(21) }),
          tf.layers.dense({ name: 'dense_Dense7', units: 3, kernelInitializer: g(22) }),
          tf.layers.dense({ units: 2, kernelInitializer: g(23) }),
        ],
      });
    const said: string[][] = [];
    const model = build();
    const unnamed = model.layers[4]!.name;
    const a = await attachToKernels(model, { ...controls, onRenamed: (r) => said.push([...r]) });
    expect(a.layers.map((l) => l.name)).toEqual(['my_Dense3', 'dense_Dense03', 'Dense5', 'dense_Dense1', 'dense_Dense2']);
    expect(said).toEqual([['dense_Dense7 → dense_Dense1', `${unnamed} → dense_Dense2`]]);
    // Nothing renamed (the names already counted): not said.
    await attachToKernels(a, { ...controls, onRenamed: (r) => said.push([...r]) });
    expect(said).toHaveLength(1);
  });

  it('renames layers and the references to them only: a config string, or a `name` in a config object that is no layer, stays', async () => {
    /** A registered pass-through layer whose config holds strings that look like layer names. */
    class Tagged extends tf.layers.Layer {
      static className = 'AttachNamesTagged';
      readonly tags: tf.serialization.ConfigDict;
      constructor(args: { name?: string; target?: string; note?: tf.serialization.ConfigDict; spec?: tf.serialization.ConfigDict }) {
        super(args);
        this.tags = { target: args.target ?? null, note: args.note ?? null, spec: args.spec ?? null };
      }
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        return tf.clone(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs);
      }
      override getConfig(): tf.serialization.ConfigDict {
        return { ...super.getConfig(), ...this.tags };
      }
    }
    tf.serialization.registerClass(Tagged);
    const input = tf.input({ shape: [6] });
    const dense = tf.layers.dense({ units: 3, kernelInitializer: g(7) });
    // Its strings equal the input's and the Dense's names TF.js gave (input<n>, dense_Dense<n>), and a layer's config that is no layer of the model.
    const tags = {
      target: input.sourceLayer.name,
      note: { name: dense.name },
      spec: { className: 'Dense', config: { name: 'dense_Dense999', units: 2 } },
    };
    const out = new Tagged({ name: 'tagged', ...tags }).apply(dense.apply(input)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    expect(input.sourceLayer.name).not.toBe('input1');
    const attached = await attachToKernels(model, controls);
    expect(attached.layers.map((l) => l.name)).toEqual(['input1', 'dense_Dense1', 'tagged']);
    expect(names(attached)).toEqual(['dense_Dense1/kernel', 'dense_Dense1/bias']);
    expect((attached.getLayer('tagged') as Tagged).tags).toEqual(tags);
    expect(predict(attached)).toEqual(predict(model));
  });
});
