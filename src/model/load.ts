/**
 * Loading a saved model back with everything this library put in it, browser-safe: from a URL
 * (`https://…/model.json`, `indexeddb://…`), any TF.js IOHandler, or the artifacts themselves.
 *
 *   artifacts (topology, weight specs and data, userDefinedMetadata)
 *   ─► a portable topology's penalties and constraints put back (portable.ts)
 *   ─► with `dropUnknown`: controls whose classes this process does not know left out
 *   ─► tf.loadLayersModel from memory ─► nested models' `trainable` set (topology.ts)
 *   ─► constrained weights given their saved values exactly: TF.js sets a weight through its
 *      constraint (w ← c(w)), which moves it by rounding even inside the bound
 *
 * `loadModel` of `penalty-explorer/node` reads a folder and does the same.
 */
import { DataError, SpecError } from '../errors.ts';
import { tf } from '../tf.ts';
import { CONTROL_KEY, PORTABLE_FORMAT, PORTABLE_KEY, type PortableEntry, restorePortable } from './portable.ts';
import { applyTrainable } from './topology.ts';

/** What `loadModel` and `loadModelFrom` may do with a model they cannot fully rebuild. */
export interface LoadModelOptions {
  /**
   * Leave out the regularizers and constraints whose classes are not defined in this process (a
   * user's penalty whose module is not imported): the weights load, their names are given to this.
   * Without it such a model is refused.
   */
  readonly dropUnknown?: (classNames: readonly string[]) => void;
}

/**
 * Set every regularizer and constraint in a model topology whose class this process does not
 * know (a user's, whose module was not imported) to none; adds their class names to `dropped`.
 */
function dropUnknownControls(node: unknown, dropped: Set<string>): void {
  if (Array.isArray(node)) {
    for (const x of node) dropUnknownControls(x, dropped);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(obj)) {
    const cls = (value as { class_name?: unknown } | null)?.class_name;
    if (CONTROL_KEY.test(key) && typeof cls === 'string' && !(cls in tf.serialization.SerializationMap.getMap().classNameMap)) {
      obj[key] = null;
      dropped.add(cls);
    } else dropUnknownControls(value, dropped);
  }
}

/**
 * The model of `artifacts` (as a TF.js IOHandler's `load()` gives them) with this library's
 * penalties and constraints back and constrained weights exactly as saved; `where` names the
 * model.json they came from (a path or URL) in errors. The artifacts' topology is not changed.
 *
 * @example
 * const model = await modelFromArtifacts(await tf.io.browserFiles([json, bin]).load!(), 'model.json');
 */
export async function modelFromArtifacts(artifacts: tf.io.ModelArtifacts, where: string, options: LoadModelOptions = {}): Promise<tf.LayersModel> {
  if (artifacts.modelTopology === undefined || artifacts.modelTopology instanceof ArrayBuffer)
    throw new DataError(`${where}: no layers-model topology in it (a TF.js graph model, or not a model.json); save it with saveModel or model.save`);
  const topology = structuredClone(artifacts.modelTopology) as object;
  const portable = (artifacts.userDefinedMetadata as Record<string, { format?: string; replaced?: PortableEntry[] } | undefined> | undefined)?.[PORTABLE_KEY];
  if (portable) {
    if (portable.format !== PORTABLE_FORMAT || !Array.isArray(portable.replaced))
      throw new DataError(`${where}: its ${PORTABLE_KEY} metadata is of format ${JSON.stringify(portable.format)}, expected ${PORTABLE_FORMAT}`);
    restorePortable(topology, portable.replaced, where);
  }
  if (options.dropUnknown) {
    const dropped = new Set<string>();
    dropUnknownControls(topology, dropped);
    if (dropped.size) options.dropUnknown([...dropped]);
  }
  const weightSpecs = artifacts.weightSpecs ?? [];
  const weightData = artifacts.weightData ?? new ArrayBuffer(0);
  try {
    const model = applyTrainable(await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs, weightData })), topology);
    // TF.js sets a constrained weight through its constraint (w ← c(w)), which moves it by rounding
    // even inside the bound: the saved values are put back as they were.
    const exact = tf.io.decodeWeights(weightData, weightSpecs);
    tf.tidy(() => {
      for (const lv of model.weights)
        if (lv.constraint != null && exact[lv.originalName]) (lv.read() as tf.Variable).assign(exact[lv.originalName] as tf.Tensor);
    });
    tf.dispose(Object.values(exact));
    return model;
  } catch (err) {
    // A user's penalty or constraint is known once its module is imported; say so instead of TF.js's bare message.
    const unknown = /Unknown (regularizer|constraint): penx\.(?:constraint\.)?([\w-]+)/.exec((err as Error).message);
    if (!unknown) throw err;
    const [, kind, name] = unknown;
    const define = kind === 'regularizer' ? 'definePenalty' : 'defineConstraint';
    throw new SpecError(
      `${where} uses the ${kind === 'regularizer' ? 'penalty' : 'constraint'} '${name}', which is not defined in this process; import its module (the one calling ${define}({ name: '${name}', … })) before loading the model`,
    );
  }
}

/**
 * Load a model saved by `saveModel` (portable or not) or by TF.js, from a URL TF.js can load
 * (`https://…/model.json`, `indexeddb://name`, `localstorage://name`) or an IOHandler — in a
 * browser too: every penalty and constraint of this library back (a user's once its module is
 * imported), constrained weights exactly as saved (`tf.loadLayersModel` passes them through their
 * constraint again, which moves them by rounding).
 *
 * @example
 * const model = await loadModelFrom('https://example.com/export/model/model.json');
 */
export async function loadModelFrom(source: string | tf.io.IOHandler, options: LoadModelOptions = {}): Promise<tf.LayersModel> {
  let handler: tf.io.IOHandler | undefined;
  if (typeof source === 'string') {
    const handlers = tf.io.getLoadHandlers(source);
    if (handlers.length !== 1)
      throw new SpecError(
        `${JSON.stringify(source)}: ${handlers.length === 0 ? 'no' : 'more than one'} TF.js loader for it; give an http(s):// URL of a model.json, indexeddb://name or localstorage://name (loadModel of penalty-explorer/node reads a folder), or a TF.js IOHandler`,
      );
    handler = handlers[0];
  } else handler = source;
  if (typeof handler?.load !== 'function') throw new SpecError('loadModelFrom: the IOHandler given cannot load (it has no load method)');
  return modelFromArtifacts(await handler.load(), typeof source === 'string' ? source : 'the model', options);
}
