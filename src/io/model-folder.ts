/**
 * Save a LayersModel to a folder (`model.json` + `weights.bin`, TF.js's layout) and load it back,
 * without `@tensorflow/tfjs-node`'s file handler. Saving swaps the folder in atomically
 * (io/atomic.ts), so a crash never leaves a half-written model.
 *
 *   saveModel:  model ─► topology completed (model/topology.ts) ─► portable? (model/portable.ts:
 *               this library's penalties and constraints out, listed in userDefinedMetadata)
 *               ─► model.json + weights.bin, swapped in atomically
 *   loadModel:  model.json + weights.bin ─► modelFromArtifacts (model/load.ts: everything put back,
 *               constrained weights exactly as saved)
 *
 * A portable folder is loadable by plain TF.js — an app or a browser that does not import this
 * package; `loadModel` (and `loadModelFrom` in a browser) puts them all back (a user's penalty or
 * constraint once its module is imported). With `dropUnknown`, `loadModel` leaves out the
 * regularizers and constraints whose classes this process does not know.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { completeTopology, type LoadModelOptions, makePortable, modelFromArtifacts, PORTABLE_FORMAT, PORTABLE_KEY } from '../model/index.ts';
import { tf } from '../tf.ts';
import { replaceDirAtomic } from './atomic.ts';
import { readRegularFile } from './read-file.ts';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** `saveModel`'s options. */
export interface SaveOptions {
  /** Loadable by plain TF.js: this library's penalties and constraints replaced or left out (see the file's comment). */
  readonly portable?: boolean;
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
 * Load a model saved by `saveModel` (portable or not: a portable one gets its penalties and
 * constraints back) or by TF.js from the folder `dir`; constrained weights exactly as saved. In a
 * browser, `loadModelFrom` of the root entry does the same from a URL.
 *
 * @example
 * const model = await loadModel('figures/runs/l1_1e-4/checkpoint/model');
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<tf.LayersModel> {
  const file = join(dir, MODEL_JSON);
  const json = JSON.parse(readRegularFile(file).toString('utf8')) as {
    modelTopology: object;
    weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
    userDefinedMetadata?: tf.io.ModelArtifacts['userDefinedMetadata'];
  };
  const bytes = readRegularFile(join(dir, WEIGHTS_BIN));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const weightSpecs = json.weightsManifest.flatMap((m) => m.weights);
  return modelFromArtifacts(
    { modelTopology: json.modelTopology, weightSpecs, weightData, ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}) },
    file,
    options,
  );
}
