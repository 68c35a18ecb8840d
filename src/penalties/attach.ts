/**
 * Putting one penalty (and a constraint) on every kernel of a built model, as the command line
 * does for any model it is given:
 *
 *   model ─► its topology (JSON) with the regularizer and constraint of every kernel set — a Dense
 *         or convolution's kernel, a recurrent layer's input and recurrent kernels, depthwise and
 *         pointwise kernels, an Embedding's matrix; every bias's regularizer the penalty with
 *         `penalizeBias`, none without — in every layer config, inside wrappers (Bidirectional,
 *         TimeDistributed) and nested models too
 *   ─► with `countNames`, the layers (nested models too) named in TF.js's form renamed by their count in this model
 *   ─► a new model built from it ─► the weights copied
 *
 * The model must be one TF.js can serialise and rebuild (its custom layers registered: a UsageError
 * otherwise, naming the class), and each kernel must end up with what was asked: a registered custom
 * layer's `kernel` takes the penalty only if its config carries `kernelRegularizer` and the layer gives
 * it to the weight (`this.addWeight('kernel', …, this.kernelRegularizer)`), as TF.js's layers do — a
 * UsageError otherwise, naming the weight. `none` puts no penalty on. A bias's penalty a layer puts
 * on itself, not from its config (`this.biasRegularizer = tf.regularizers.l2()` in its constructor),
 * cannot be removed: it stays, where `inventory` (and so the run record) finds it; one it gives
 * `addWeight` without keeping it there, which no record would state, is a UsageError naming the weight
 * (`checkInventory`).
 */

import type { PenxConstraint } from '../constraints/index.ts';
import { UsageError } from '../errors.ts';
import { KERNEL_WEIGHTS } from '../formats/index.ts';
import {
  applyTrainable,
  checkInventory,
  completeTopology,
  generatedStemOf,
  inventory,
  markNamesCounted,
  REGULARIZER_OF,
  weightBaseName,
} from '../model/index.ts';
import { tf } from '../tf.ts';
import type { PenaltyRegularizer } from './regularizer.ts';

/** What `attachToKernels` puts on every kernel of a model: a penalty (on biases too, with `penalizeBias`) and a constraint. */
export interface KernelControls {
  /** The penalty of every kernel (and of every bias with `penalizeBias`). */
  readonly penalty?: PenaltyRegularizer;
  /** Put the penalty on every bias too; default false: the bias penalties of the layers' configs are removed. */
  readonly penalizeBias?: boolean;
  /** The constraint of every kernel. */
  readonly constraint?: PenxConstraint;
  /**
   * Rename the layers TF.js named itself (`dense_Dense7`: `<kind>_<Kind><n>`, n counting the layers
   * of that kind made in the process; a nested model's `sequential_<n>`, `model<n>`) by their count in
   * this model instead (`dense_Dense1`, `dense_Dense2`, `sequential_1`, … in the model's order), so
   * that a model built again from the same code has the same layer paths (`sequential_1/dense_Dense1`)
   * and weight names; the model's own name is kept. A name is taken as TF.js's by its form alone
   * (`<snake_case(Class)>_<Class><n>`, `input<n>`, `sequential_<n>`, `<class><n>`: generatedStemOf), as
   * TF.js keeps no trace of whether a name was given; a name given in that form is renamed too,
   * which `onRenamed` hears, names of any other form (`my_Dense3`, `hidden`) are kept. Default false: the names as built.
   */
  readonly countNames?: boolean;
  /** With `countNames`, told the names it changed (`dense_Dense7 → dense_Dense1`, in the model's order); not called when none changed. */
  readonly onRenamed?: (renamed: readonly string[]) => void;
}

type Json = Record<string, unknown>;
const serialize = (x: tf.serialization.Serializable) => ({ class_name: x.getClassName(), config: x.getConfig() });

/** A weight's name (its last part) → the key (without `Regularizer` / `Constraint`) of what acts on it in its layer's config: `recurrent_kernel` ─► `recurrent`. */
const configKey = (weight: string): string => REGULARIZER_OF[weight]!.replace(/Regularizer$/, '');

/** The config keys (without `_regularizer` / `_constraint`) of a layer's kernels. */
const KERNEL_KEYS = KERNEL_WEIGHTS.map(configKey);

/** The kernels' and the bias's weight names → their config keys (checkAttached). */
const CONFIG_KEY_OF: Readonly<Record<string, string>> = Object.fromEntries([...KERNEL_WEIGHTS, 'bias'].map((w) => [w, configKey(w)]));

/** Set the regularizer and constraint entries of every layer config in `node` (a topology), in place. */
function setConfigs(node: unknown, c: KernelControls): void {
  if (Array.isArray(node)) {
    for (const n of node) setConfigs(n, c);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const o = node as Json;
  const config = o['config'] as Json | undefined;
  if (typeof o['class_name'] === 'string' && config && typeof config === 'object' && !Array.isArray(config)) {
    const reg = c.penalty && c.penalty.definition.name !== 'none' ? serialize(c.penalty) : null;
    for (const key of KERNEL_KEYS) {
      if (`${key}_regularizer` in config) config[`${key}_regularizer`] = reg;
      if (`${key}_constraint` in config) config[`${key}_constraint`] = c.constraint ? serialize(c.constraint) : null;
    }
    // Every layer's, a registered custom layer's too (one with a bias and no kernel among them).
    if ('bias_regularizer' in config) config['bias_regularizer'] = c.penalizeBias ? reg : null;
  }
  for (const v of Object.values(o)) setConfigs(v, c);
}

/** A penalty or constraint as messages name it: its spec (this library's), or its TF.js class, or `none`. */
const named = (x: tf.serialization.Serializable | undefined | null) => (x == null ? 'none' : ((x as { spec?: string }).spec ?? x.getClassName()));

/** True when `x` serialises as `want` does (both none: true). */
const same = (x: tf.serialization.Serializable | undefined | null, want: tf.serialization.Serializable | undefined) =>
  JSON.stringify(x == null ? null : serialize(x)) === JSON.stringify(want == null ? null : serialize(want));

/**
 * Throws a UsageError naming each kernel (each bias too, with `penalizeBias`) of the rebuilt model
 * `out` whose penalty or constraint is not the one asked for: its layer (a registered custom layer)
 * does not take it from its config and give it to the weight, so setting the config did not reach it.
 *
 * @example
 * checkAttached(rebuilt, 'custom', { penalty: penalty('l1:1e-4') })
 * // throws: "model custom: the penalty l1:1e-4 cannot be put on every kernel: mix/kernel (layer mix, class Mix) would have none, …"
 */
function checkAttached(out: tf.LayersModel, name: string, c: KernelControls): void {
  const reg = c.penalty && c.penalty.definition.name !== 'none' ? c.penalty : undefined;
  const inv = inventory(out);
  const classOf = (path: string) => inv.layers.find((l) => l.name === path)?.layer.getClassName() ?? 'layer';
  for (const kind of ['penalty', 'constraint'] as const) {
    const want = kind === 'penalty' ? reg : c.constraint;
    const missed = inv.weights.filter((w) => {
      const key = CONFIG_KEY_OF[weightBaseName(w.name)];
      if (!key || (key === 'bias' && (kind === 'constraint' || !c.penalizeBias))) return false;
      return !same(kind === 'penalty' ? w.regularizer : w.constraint, want);
    });
    const first = missed[0];
    if (!first) continue;
    const base = weightBaseName(first.name);
    const option = `${CONFIG_KEY_OF[base]}${kind === 'penalty' ? 'Regularizer' : 'Constraint'}`;
    const found = (w: (typeof missed)[number]) => named(kind === 'penalty' ? w.regularizer : w.constraint);
    const list = missed.map((w) => `${w.name} (layer ${w.layer}, class ${classOf(w.layer)}) would have ${found(w)}`).join('; ');
    const given = kind === 'penalty' ? `this.${option}` : `this.kernelRegularizer, true, this.${option}`;
    throw new UsageError(
      `model ${name}: the ${kind} ${named(want)} cannot be put on every ${base === 'bias' ? 'bias' : 'kernel'}: ${list}, as its layer's config has no ${option} that TF.js gives to the weight as it rebuilds the layer; let the layer's class take one as TF.js's layers do (its getConfig returns ${option}, its constructor makes it a ${kind === 'penalty' ? 'regularizer' : 'constraint'} again from the { className, config } TF.js passes, its build passes it on: this.addWeight('${base}', …, ${given})), or put the ${kind} on its layers yourself`,
    );
  }
}

/**
 * The part before the count of a layer's name in the form TF.js gives one left unnamed
 * (generatedStemOf): `<kind>_<Kind><n>` (`dense_Dense7` ─► `dense_Dense`), an input's `input<n>`
 * (─► `input`), a nested model's (its config holds `layers`) `sequential_<n>` for a Sequential (its
 * config has no `input_layers`), else `<class><n>` (`model3` ─► `model`, a registered subclass
 * Block's `block2` ─► `block`); undefined for a name of another form.
 */
const automaticStem = (name: unknown, className: unknown, config: Json): string | undefined => {
  if (typeof name !== 'string' || typeof className !== 'string') return undefined;
  const model = Array.isArray(config['layers']) ? ('input_layers' in config ? 'functional' : 'sequential') : undefined;
  return generatedStemOf(name, { className, ...(model ? { model } : {}) });
};

/** The keys of a layer's config that hold layers: a nested model's `layers`, a wrapper's `layer`, a recurrent layer's `cell`, stacked cells' `cells`. */
const LAYER_KEYS = new Set(['layers', 'layer', 'cell', 'cells']);

const isJson = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);

/**
 * Rename, in `topology`, every layer TF.js named itself (by its name's form) by its count among the layers of its kind in
 * the topology's order (`dense_Dense7` ─► `dense_Dense1`), and every reference to it (a functional
 * model's inbound nodes, input and output layers), in place. Only layers are renamed — the entries of a
 * model's `layers` (a nested model's too, and the nested model itself), a wrapper's `layer`, a
 * recurrent layer's `cell` or `cells` — not the model `topology` describes, and only where their names
 * are referred to: a string of a layer's config equal to a layer's name, or a `name` in an object of
 * its config that is no layer, stays as it is.
 *
 * @example
 * countLayerNames(topology)   // layers dense_Dense7, dense_Dense8, out ─► dense_Dense1, dense_Dense2, out
 * countLayerNames(topology)   // a nested sequential_4 holding dense_Dense9 ─► sequential_1 holding dense_Dense1
 * // returns [['dense_Dense7', 'dense_Dense1'], …]: the names changed, in the topology's order
 */
function countLayerNames(topology: unknown): Array<[string, string]> {
  const renamed = new Map<string, string>();
  const counts = new Map<string, number>();
  const layers: Json[] = [];
  // Each layer, then the layers in it, in the topology's order.
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) collect(n);
      return;
    }
    const config = isJson(node) ? node['config'] : undefined;
    if (!isJson(node) || typeof node['class_name'] !== 'string' || !isJson(config)) return;
    layers.push(node);
    const name = config['name'];
    // The model itself keeps its name (the record gives it without its count: recordedModelName).
    const stem = node === topology ? undefined : automaticStem(name, node['class_name'], config);
    if (typeof name === 'string' && stem !== undefined && !renamed.has(name)) {
      const n = (counts.get(stem) ?? 0) + 1;
      counts.set(stem, n);
      renamed.set(name, `${stem}${n}`);
    }
    for (const [key, value] of Object.entries(config)) if (LAYER_KEYS.has(key)) collect(value);
  };
  collect(topology);
  const changed = [...renamed].filter(([was, now]) => was !== now);
  if (changed.length === 0) return [];
  const renameIn = (o: Json | unknown[], key: string | number) => {
    const name = (o as Json)[key];
    if (typeof name === 'string' && renamed.has(name)) (o as Json)[key] = renamed.get(name);
  };
  // References, each [layer name, node index, tensor index, kwargs?].
  const renameRefs = (refs: unknown) => {
    if (Array.isArray(refs)) for (const ref of refs) if (Array.isArray(ref)) renameIn(ref, 0);
  };
  for (const layer of layers) {
    const config = layer['config'] as Json;
    if (layer !== topology) {
      renameIn(config, 'name');
      renameIn(layer, 'name');
    }
    // A functional model's entries (each node a list of references) and its inputs and outputs.
    if (Array.isArray(layer['inbound_nodes'])) for (const node of layer['inbound_nodes']) renameRefs(node);
    renameRefs(config['input_layers']);
    renameRefs(config['output_layers']);
  }
  return changed;
}

/**
 * A new model (the same layers and weights; `model` itself is not changed) with the penalty and
 * constraint on every kernel; what the kernels had before is replaced.
 *
 * @example
 * const m = await attachToKernels(myModel, { penalty: penalty('l1:1e-4'), constraint: constraint('maxnorm:m=2') });
 */
export async function attachToKernels(model: tf.LayersModel, controls: KernelControls): Promise<tf.LayersModel> {
  let topology: Json;
  try {
    topology = completeTopology(model.toJSON(null, false) as Json, model);
  } catch (err) {
    throw new UsageError(`model ${model.name} cannot be serialised by TF.js (${(err as Error).message}); put the penalty on its layers yourself`);
  }
  setConfigs(topology, controls);
  const renamed = controls.countNames ? countLayerNames(topology) : [];
  let rebuilt: tf.LayersModel;
  try {
    rebuilt = await tf.models.modelFromJSON({ modelTopology: topology as tf.io.ModelJSON['modelTopology'] });
  } catch (err) {
    // A custom layer class TF.js does not know by name (never given to tf.serialization.registerClass) serialises but does not rebuild.
    const why = (err as Error).message.split('\n')[0]!.replace(/\s*This may be due to .*$/, '');
    const fix = /^Unknown layer/.test(why)
      ? 'register each custom layer class with tf.serialization.registerClass (a static className)'
      : 'change what TF.js says';
    throw new UsageError(
      `model ${model.name} cannot be rebuilt by TF.js from its JSON (${why}), which putting a penalty on every kernel needs: ${fix}, or put the penalty on its layers yourself`,
    );
  }
  const out = applyTrainable(rebuilt, topology);
  if (out.weights.length !== model.weights.length)
    throw new Error(`internal: the rebuilt model has ${out.weights.length} weights, the original ${model.weights.length}`);
  // Assign, not setWeights: the weights are copied as they are, not projected by the new constraint.
  out.weights.forEach((lv, i) => (lv.read() as tf.Variable).assign(model.weights[i]!.read()));
  try {
    checkAttached(out, model.name, controls);
    // A penalty a layer puts on a weight itself, outside its config and where no record finds it
    // (addWeight('bias', …, tf.regularizers.l2()) with no biasRegularizer kept): refused here, not as training starts.
    checkInventory(out);
  } catch (err) {
    out.dispose();
    throw err;
  }
  if (controls.countNames) markNamesCounted(out);
  if (renamed.length) controls.onRenamed?.(renamed.map(([was, now]) => `${was} → ${now}`));
  return out;
}
