/**
 * Files and processes (Node only): atomic writes (a temporary name, flushed, renamed), IDX image
 * sets, TF.js model folders (saved portable or not), sparse weight exports, the versions of what
 * computes, and whether a process runs.
 */
export { completeDir, isLeftover, oldCopyOf, replaceDirAtomic, tempFileFor, watchWrites, writeFileAtomic } from './atomic.ts';
export { loadModel, makePortable, PORTABLE_FORMAT, PORTABLE_KEY, restorePortable, saveModel, type LoadModelOptions, type PortableEntry, type SaveOptions } from './model-folder.ts';
export { parseIdx, readIdx, type IdxArray } from './idx.ts';
export { IDX_FILES, loadImageSet, type ImageSet, type ImageSetOptions, type ImageSplit } from './image-set.ts';
export { versions } from './versions.ts';
export { assignWeights, modelWeights, readSparseWeights, SPARSE_BIN, SPARSE_JSON, writeSparseWeights } from './sparse-files.ts';
export { processAlive, processStart } from './process.ts';
