/**
 * Files and processes (Node only): atomic writes (a temporary name, flushed, renamed), IDX image
 * sets, TF.js model folders (saved portable or not), sparse weight exports, the versions of what
 * computes, and whether a process runs.
 */
export {
  completeDir,
  isLeftover,
  oldCopyOf,
  replaceDirAtomic,
  rewriteInFolder,
  type TreeContent,
  tempFileFor,
  treeDigest,
  watchWrites,
  writeFileAtomic,
  writeFilesAtomic,
} from './atomic.ts';
export { type IdxArray, parseIdx, readIdx } from './idx.ts';
export { IDX_FILES, type ImageSet, type ImageSetOptions, type ImageSplit, loadImageSet } from './image-set.ts';
export { loadModel, type SaveOptions, saveModel } from './model-folder.ts';
export { processAlive, processStart } from './process.ts';
export { NotRegularFileError, readRegularFile } from './read-file.ts';
export { assignWeights, modelWeights, readSparseWeights, SPARSE_BIN, SPARSE_JSON, writeSparseWeights } from './sparse-files.ts';
export { packageVersion, versions } from './versions.ts';
