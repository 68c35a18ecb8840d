/**
 * Save a LayersModel to a folder (`model.json` + `weights.bin`, TF.js's layout) and load it back,
 * without `@tensorflow/tfjs-node`'s file handler. Saving swaps the folder in atomically
 * (io/atomic.ts), so a crash never leaves a half-written model.
 *
 * A portable save (`{ portable: true }`) is loadable by plain TF.js — an app or a browser that does
 * not import this package:
 *
 *   topology ─► each of this library's regularizers and constraints in a layer config:
 *     l1, l2, l1l2 (not in proximal mode) ─► TF.js's own L1L2 with the same factors (the same loss)
 *     any other penalty, every constraint of this library ─► left out (null)
 *   ─► what was replaced or left out, with where it was, in model.json's `userDefinedMetadata`
 *
 * `loadModel` of this package puts them all back (a user's penalty or constraint once its module is
 * imported); plain TF.js ignores the metadata. TF.js's own regularizers and constraints stay as
 * they are: TF.js loads them itself. With `dropUnknown`, `loadModel` leaves out the regularizers and
 * constraints whose classes this process does not know (a user's, its module not imported).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, SpecError } from '../errors.ts';
import { applyTrainable, completeTopology } from '../model/index.ts';
import { tf } from '../tf.ts';
import { replaceDirAtomic } from './atomic.ts';
import { readRegularFile } from './read-file.ts';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** The key of this library's entry in model.json's `userDefinedMetadata`. */
export const PORTABLE_KEY = 'penalty-explorer';
/** The format of that entry. */
export const PORTABLE_FORMAT = 'penalty-explorer/portable@1';

type Json = Record<string, unknown>;
type Serialized = { class_name: string; config: Json };

/** One regularizer or constraint taken out of a portable topology: where it was, what it was, what stands there now. */
export interface PortableEntry {
  /** Keys from the topology's root to the config entry, e.g. `['config', 'layers', 1, 'config', 'kernel_regularizer']`. */
  readonly path: ReadonlyArray<string | number>;
  readonly original: Serialized;
  /** TF.js's own equivalent put there, or null when it was left out. */
  readonly portable: Serialized | null;
}

/** `saveModel`'s options. */
export interface SaveOptions {
  /** Loadable by plain TF.js: this library's penalties and constraints replaced or left out (see the file's comment). */
  readonly portable?: boolean;
}

const PREFIX = 'penx.';

/** A layer config's regularizers and constraints: keys such as `kernel_regularizer`, `bias_constraint`. */
const CONTROL_KEY = /_(regularizer|constraint)$/;
const isOurs = (v: unknown): v is Serialized =>
  typeof v === 'object' && v !== null && typeof (v as Serialized).class_name === 'string' && (v as Serialized).class_name.startsWith(PREFIX);

/** TF.js's L1L2 for this library's l1, l2 and l1l2 (same loss: λ·Σ|w| is L1L2 with l1 = λ); null for others. */
function asTfjs(reg: Serialized): Serialized | null {
  const c = reg.config;
  if (c['prox'] === true) return null;
  const num = (k: string, d: number) => (typeof c[k] === 'number' ? (c[k] as number) : d);
  const strength = num('strength', reg.class_name === `${PREFIX}l1l2` ? 1 : 1e-4);
  switch (reg.class_name) {
    case `${PREFIX}l1`:
      return { class_name: 'L1L2', config: { l1: strength, l2: 0 } };
    case `${PREFIX}l2`:
      return { class_name: 'L1L2', config: { l1: 0, l2: strength } };
    case `${PREFIX}l1l2`:
      return { class_name: 'L1L2', config: { l1: strength * num('l1', 1e-4), l2: strength * num('l2', 1e-4) } };
    default:
      return null;
  }
}

/** The topology made portable, in place; returns what was taken out. */
export function makePortable(topology: unknown): PortableEntry[] {
  const out: PortableEntry[] = [];
  const walk = (node: unknown, path: Array<string | number>) => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, [...path, i]));
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Json)) {
      if (CONTROL_KEY.test(key) && isOurs(value)) {
        const portable = key.endsWith('_regularizer') ? asTfjs(value) : null;
        (node as Json)[key] = portable;
        out.push({ path: [...path, key], original: value, portable });
      } else walk(value, [...path, key]);
    }
  };
  walk(topology, []);
  return out;
}

/** The topology with what `makePortable` took out put back, in place; a DataError when the topology does not match its metadata. */
export function restorePortable(topology: unknown, entries: readonly PortableEntry[], dir: string): void {
  for (const e of entries) {
    const parent = e.path
      .slice(0, -1)
      .reduce<unknown>((n, k) => (n === null || typeof n !== 'object' ? undefined : (n as Record<string | number, unknown>)[k]), topology);
    const key = e.path.at(-1) as string;
    if (parent === null || typeof parent !== 'object' || JSON.stringify((parent as Json)[key] ?? null) !== JSON.stringify(e.portable)) {
      throw new DataError(
        `${dir}/${MODEL_JSON}: its topology does not match its ${PORTABLE_KEY} metadata at ${e.path.join('/')}; was it edited? Load it with plain TF.js, or save it again`,
      );
    }
    (parent as Json)[key] = e.original;
  }
}

/**
 * Save `model` to `dir` (replaced atomically); `portable` for a folder plain TF.js loads.
 *
 * @example
 * await saveModel(model, 'export/model', { portable: true });   // tf.loadLayersModel('…/model.json') works anywhere
 */
export async function saveModel(model: tf.LayersModel, dir: string, options: SaveOptions = {}): Promise<void> {
  await replaceDirAtomic(dir, (tmp) =>
    model
      .save(
        tf.io.withSaveHandler(async (artifacts) => {
          const data = artifacts.weightData;
          const bytes = data === undefined ? new Uint8Array(0) : new Uint8Array(tf.io.concatenateArrayBuffers(Array.isArray(data) ? data : [data]));
          const topology = completeTopology(artifacts.modelTopology, model);
          const replaced = options.portable ? makePortable(topology) : [];
          const json = {
            format: artifacts.format,
            generatedBy: artifacts.generatedBy,
            convertedBy: artifacts.convertedBy,
            modelTopology: topology,
            weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
            ...(options.portable ? { userDefinedMetadata: { [PORTABLE_KEY]: { format: PORTABLE_FORMAT, replaced } } } : {}),
          };
          await writeFile(join(tmp, WEIGHTS_BIN), bytes);
          await writeFile(join(tmp, MODEL_JSON), JSON.stringify(json));
          return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
        }),
      )
      .then(() => undefined),
  );
}

/**
 * Set every regularizer and constraint in a model topology whose class this process does not
 * know (a user's, whose module was not imported) to none; returns their class names.
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

/** What `loadModel` may do with a model it cannot fully rebuild. */
export interface LoadModelOptions {
  /**
   * Leave out the regularizers and constraints whose classes are not defined in this process (a
   * user's penalty whose module is not imported): the weights load, their names are given to this.
   * Without it such a model is refused.
   */
  readonly dropUnknown?: (classNames: readonly string[]) => void;
}

/** Load a model saved by `saveModel` (portable or not: a portable one gets its penalties and constraints back) or by TF.js. */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<tf.LayersModel> {
  const json = JSON.parse(readRegularFile(join(dir, MODEL_JSON)).toString('utf8')) as {
    modelTopology: object;
    weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
    userDefinedMetadata?: Record<string, { format?: string; replaced?: PortableEntry[] } | undefined>;
  };
  const portable = json.userDefinedMetadata?.[PORTABLE_KEY];
  if (portable) {
    if (portable.format !== PORTABLE_FORMAT || !Array.isArray(portable.replaced))
      throw new DataError(`${dir}/${MODEL_JSON}: its ${PORTABLE_KEY} metadata is of format ${JSON.stringify(portable.format)}, expected ${PORTABLE_FORMAT}`);
    restorePortable(json.modelTopology, portable.replaced, dir);
  }
  if (options.dropUnknown) {
    const dropped = new Set<string>();
    dropUnknownControls(json.modelTopology, dropped);
    if (dropped.size) options.dropUnknown([...dropped]);
  }
  const bytes = readRegularFile(join(dir, WEIGHTS_BIN));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const weightSpecs = json.weightsManifest.flatMap((m) => m.weights);
  try {
    const model = applyTrainable(
      await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData })),
      json.modelTopology,
    );
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
      `${dir} uses the ${kind === 'regularizer' ? 'penalty' : 'constraint'} '${name}', which is not defined in this process; import its module (the one calling ${define}({ name: '${name}', … })) before loading the model`,
    );
  }
}
