/**
 * Save a LayersModel to a folder (`model.json` + `weights.bin`) and load it back, without
 * `@tensorflow/tfjs-node`'s file handler. Saving swaps the folder in atomically (io/atomic.ts), so
 * a crash never leaves a half-written model.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '../tf.ts';
import { SpecError } from '../spec/errors.ts';
import { replaceDirAtomic } from './atomic.ts';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await replaceDirAtomic(dir, (tmp) =>
    model
      .save(
        tf.io.withSaveHandler(async (artifacts) => {
          const data = artifacts.weightData;
          const bytes = data === undefined ? new Uint8Array(0) : new Uint8Array(tf.io.concatenateArrayBuffers(Array.isArray(data) ? data : [data]));
          const json = {
            format: artifacts.format,
            generatedBy: artifacts.generatedBy,
            convertedBy: artifacts.convertedBy,
            modelTopology: artifacts.modelTopology,
            weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
          };
          await writeFile(join(tmp, WEIGHTS_BIN), bytes);
          await writeFile(join(tmp, MODEL_JSON), JSON.stringify(json));
          return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
        }),
      )
      .then(() => undefined),
  );
}

/** A layer config's regularizers and constraints: keys such as `kernel_regularizer`, `bias_constraint`. */
const CONTROL_KEY = /_(regularizer|constraint)$/;

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

export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as {
    modelTopology: object;
    weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
  };
  if (options.dropUnknown) {
    const dropped = new Set<string>();
    dropUnknownControls(json.modelTopology, dropped);
    if (dropped.size) options.dropUnknown([...dropped]);
  }
  const bytes = await readFile(join(dir, WEIGHTS_BIN));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const weightSpecs = json.weightsManifest.flatMap((m) => m.weights);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
  } catch (err) {
    // A user's penalty or constraint is known once its module is imported; say so instead of TF.js's bare message.
    const unknown = /Unknown (regularizer|constraint): penx\.(?:constraint\.)?([\w-]+)/.exec((err as Error).message);
    if (!unknown) throw err;
    const [, kind, name] = unknown;
    const define = kind === 'regularizer' ? 'definePenalty' : 'defineConstraint';
    throw new SpecError(`${dir} uses the ${kind === 'regularizer' ? 'penalty' : 'constraint'} '${name}', which is not defined in this process; import its module (the one calling ${define}({ name: '${name}', … })) before loading the model`);
  }
}
