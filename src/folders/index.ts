/**
 * Run folders on disk (Node only): a folder this tool writes is proven its own by a marker and
 * lists what it wrote (owner.ts); it is taken, locked, resumed or started over by those rules
 * (folder.ts, lock.ts); its records are read and written through their formats (records.ts); a
 * run's checkpoint lets it continue exactly where it stopped (checkpoint.ts).
 *
 *   fitToFolder (fit-to-folder.ts) ─► claimFolder ─► fit ─► after each epoch: checkpoint/ ─► run.json ─► figures, report
 */
export { fitToFolder, type FolderOptions } from './fit-to-folder.ts';
export {
  checkFolder,
  checkRunName,
  claimFolder,
  emptyFolder,
  hasContent,
  isToolFolder,
  lockOwnFolder,
  makeFolder,
  openFolder,
  removeLeftovers,
  removeMadeFolders,
  type ClaimedFolder,
  type FolderPolicy,
} from './folder.ts';
export { keptNote, markFolder, ownedEntries, readMarker, removeOwned, type Removed } from './owner.ts';
export { breakLock, LOCK_FILE, lockFolder, lockHolder } from './lock.ts';
export { readCompareJson, readRunFile, readRunJson, readSweepJson, RUN_JSON, writeCompareJson, writeRunJson, writeSweepJson } from './records.ts';
export { CHECKPOINT, checkpointDir, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.ts';
