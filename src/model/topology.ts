/**
 * A model's topology as TF.js serialises it, with what TF.js leaves out put back, so a model
 * rebuilt from it (a penalty attached, a shard worker's copy, a saved folder loaded) has the
 * weights of the original:
 *
 *   SeparableConv2D's `depth_multiplier` (tensorflow/tfjs#6083: its getConfig omits it; the
 *   model came back with multiplier 1 and its kernels no longer fit the saved weights)
 *   DepthwiseConv2D's `depthwise_constraint` (its getConfig writes the depthwise REGULARIZER
 *   there, tensorflow/tfjs#8564: a penalised kernel came back with its penalty as a constraint,
 *   which failed to load; a constrained one lost its constraint)
 *   a nested model's `trainable` (a model's config has none, and TF.js's fromConfig sets none: a
 *   frozen nested model came back trainable, its weights in another order); `applyTrainable`
 *   sets it on the model built from the topology
 *
 *   topology ─► each container's layer configs, matched to the live layers by name (nested models
 *   and wrappers followed) ─► the missing entries set from the live layer
 */
import type { tf } from '../tf.ts';

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Set what TF.js left out of layer config `node` (class_name + config) from its live `layer`; into nested ones too. */
function completeLayer(node: Json, layer: tf.layers.Layer): void {
  const config = node['config'];
  if (!isJson(config)) return;
  const live = layer as unknown as { depthMultiplier?: number; depthwiseConstraint?: tf.serialization.Serializable | null };
  if (node['class_name'] === 'SeparableConv2D' && config['depth_multiplier'] === undefined) config['depth_multiplier'] = live.depthMultiplier;
  if (node['class_name'] === 'DepthwiseConv2D' && 'depthwise_constraint' in config) {
    const c = live.depthwiseConstraint;
    config['depthwise_constraint'] = c ? { class_name: c.getClassName(), config: c.getConfig() } : null;
  }
  // A wrapper (TimeDistributed, Bidirectional): its inner layer.
  const inner = (layer as unknown as { layer?: tf.layers.Layer }).layer;
  if (isJson(config['layer']) && inner) completeLayer(config['layer'], inner);
  // A nested model: its own layers, by name; and whether it is frozen (its config leaves that out).
  if (Array.isArray(config['layers']) && 'getLayer' in layer) {
    config['trainable'] = layer.trainable;
    completeContainer(config['layers'], layer as unknown as tf.LayersModel);
  }
}

function completeContainer(layers: unknown[], model: tf.LayersModel): void {
  for (const entry of layers) {
    if (!isJson(entry)) continue;
    const name = isJson(entry['config']) ? entry['config']['name'] : entry['name'];
    const live = typeof name === 'string' ? model.layers.find((l) => l.name === name) : undefined;
    if (live) completeLayer(entry, live);
  }
}

/**
 * Complete `topology` (`model.toJSON(null, false)`, or a save's `modelTopology`) in place from
 * `model`'s live layers; returns it.
 *
 * @example
 * const topology = completeTopology(model.toJSON(null, false), model);   // a SeparableConv2D keeps its depth_multiplier
 */
export function completeTopology<T>(topology: T, model: tf.LayersModel): T {
  const top = isJson(topology) && isJson(topology['model_config']) ? topology['model_config'] : topology;
  if (isJson(top) && isJson(top['config']) && Array.isArray(top['config']['layers'])) completeContainer(top['config']['layers'], model);
  return topology;
}

/**
 * Freeze, in `model` (built from `topology` by TF.js), each nested model the topology says is not
 * trainable (`completeTopology` writes it; TF.js's fromConfig ignores it); returns `model`.
 *
 * @example
 * const copy = applyTrainable(await tf.models.modelFromJSON({ modelTopology }), modelTopology);   // a frozen sub-model stays frozen
 */
export function applyTrainable(model: tf.LayersModel, topology: unknown): tf.LayersModel {
  const top = isJson(topology) && isJson(topology['model_config']) ? topology['model_config'] : topology;
  if (isJson(top) && isJson(top['config']) && Array.isArray(top['config']['layers'])) freezeIn(top['config']['layers'], model);
  return model;
}

function freezeIn(layers: unknown[], model: tf.LayersModel): void {
  for (const entry of layers) {
    const config = isJson(entry) ? entry['config'] : undefined;
    if (!isJson(config) || !Array.isArray(config['layers'])) continue;
    const live = model.layers.find((l) => l.name === config['name']);
    if (!live || !('getLayer' in live)) continue;
    if (config['trainable'] === false) live.trainable = false;
    freezeIn(config['layers'], live as unknown as tf.LayersModel);
  }
}
