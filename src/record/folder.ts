/**
 * A run folder on disk: its `run.json`, and the policy for a folder that already exists — refuse
 * it, continue it (resume) or replace it (force).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SpecError } from '../spec/errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { FolderExistsError } from './errors.ts';
import { readRunRecord, RecordFormatError } from './read.ts';
import type { RunRecord } from './schema.ts';

export const RUN_JSON = 'run.json';

/** True when `dir` exists and is not empty. */
export function hasContent(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).length > 0;
}

/** What to do with a folder that already has content. */
export interface FolderPolicy {
  /** Continue the run in it. */
  readonly resume?: boolean;
  /** Delete it and start over. */
  readonly force?: boolean;
}

/** Make `dir` usable: nothing to do when new or resuming, emptied with `force`, refused otherwise; `what` names it. */
export async function claimFolder(dir: string, policy: FolderPolicy, what: string): Promise<void> {
  if (policy.resume && policy.force) throw new SpecError('resume and force contradict each other; give one');
  if (!hasContent(dir)) return;
  if (policy.force) await rm(dir, { recursive: true, force: true });
  else if (!policy.resume) throw new FolderExistsError(dir, what);
}

/** Write the run record as `run.json` (atomically). */
export async function writeRunJson(dir: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(join(dir, RUN_JSON), JSON.stringify(record, null, 1));
}

/** The run record in `dir/run.json`; a SpecError naming the file when it is missing or not a run record. */
export function readRunJson(dir: string): RunRecord {
  const path = join(dir, RUN_JSON);
  try {
    return readRunRecord(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    const why = err instanceof RecordFormatError ? err.message : (err as Error).message;
    throw new SpecError(`${path}: cannot be read as a run record (${why})`);
  }
}
