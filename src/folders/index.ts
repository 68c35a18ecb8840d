/**
 * Run folders on disk (Node only): a folder this tool writes is proven its own by a marker and
 * lists what it wrote (owner.ts, its refusals worded in refusals.ts); it is taken, locked, resumed or started over by those rules
 * (folder.ts, lock.ts); its records are read and written through their formats (records.ts); a
 * run's checkpoint lets it continue exactly where it stopped (checkpoint.ts).
 *
 *   fitToFolder (fit-to-folder.ts) ─► claimFolder ─► fit ─► after each epoch: checkpoint/ ─► run.json ─► its figure
 *     ─► the figures over epochs and the report when due (summaryDue)
 */

export { checkRunName, runNameProblem } from '../folder-names.ts';
export { type Adopted, adoptOlderEntries } from './adopt.ts';
export { CHECKPOINT, type Checkpoint, checkpointDir, loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
export { checkResumeSettings, type FolderOptions, fitToFolder } from './fit-to-folder.ts';
export {
  type ClaimedFolder,
  checkClaim,
  checkFolder,
  checkMakeable,
  checkOwnFolder,
  checkpointHolding,
  claimFolder,
  emptyFolder,
  type FolderPolicy,
  hasContent,
  isToolFolder,
  lockOwnFolder,
  makeFolder,
  openFolder,
  removeLeftovers,
  removeMadeFolders,
} from './folder.ts';
export { breakLock, LOCK_FILE, liveLockHolder, lockFolder, lockHolder } from './lock.ts';
export {
  checkOverwrite,
  checkWrites,
  markFolder,
  ownedEntries,
  ownedPresent,
  provenPresent,
  type Removed,
  readMarker,
  removeOwned,
  unprovenFiles,
  type WriteChecks,
} from './owner.ts';
export {
  lastEpochInFile,
  RUN_JSON,
  readCompareJson,
  readRunFile,
  readRunJson,
  readSweepJson,
  writeCompareJson,
  writeRunJson,
  writeSweepJson,
} from './records.ts';
export { keptNote, type Unproven } from './refusals.ts';
export { type RunFolderState, resumeState, runFolderState } from './run-state.ts';
