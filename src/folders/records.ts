/**
 * The records of run folders on disk (Node only): `run.json`, `compare.json` and `sweep.json`,
 * read through their formats' readers (checked, older versions upgraded; reading imports no code)
 * and written atomically. A file that is missing, is not a regular file (a FIFO would block the
 * read for ever), is not JSON or does not fit its format is a DataError naming the file and why.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DataError, RecordFormatError } from '../errors.ts';
import {
  COMPARE_JSON,
  type CompareRecord,
  compareRecord,
  lastRecordedEpoch,
  type RunRecord,
  readCompareRecord,
  readRunRecord,
  readSweepRecord,
  SWEEP_JSON,
  type SweepRecord,
} from '../formats/index.ts';
import { NotRegularFileError, readRegularFile, writeFileAtomic } from '../io/index.ts';

/** The run record's file name in a run folder. */
export const RUN_JSON = 'run.json';

/**
 * `text` on one line: its control characters written as JSON escapes. A parser's message quotes
 * the file (`Unexpected token 'x', "x\n" is not valid JSON`), whose newlines and terminal escapes
 * would otherwise break the one-line error.
 *
 * @example
 * oneLine('"x\n" is not valid JSON')   // '"x\\n" is not valid JSON'
 */
function oneLine(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => JSON.stringify(c).slice(1, -1));
}

/** The record in `path`, read by `read`; a DataError saying `path: cannot be read as a <what> (why)`, on one line. */
function readJsonRecord<T>(path: string, what: string, read: (json: unknown) => T): T {
  let json: unknown;
  try {
    json = JSON.parse(readRegularFile(path).toString('utf8'));
  } catch (err) {
    if (err instanceof NotRegularFileError) throw err;
    throw new DataError(`${path}: cannot be read as a ${what} (${oneLine((err as Error).message)})`);
  }
  try {
    return read(json);
  } catch (err) {
    if (err instanceof RecordFormatError) throw new DataError(`${path}: cannot be read as a ${what} (${oneLine(err.message)})`);
    throw err;
  }
}

/**
 * Each epoch's JSON, by its epoch object: a run's records share their finished epochs (fit adds
 * each new epoch to a copy of the list and never changes one it has recorded; an epoch it changes,
 * e.g. with a prune curve, is a new object), so a run in progress serialises each epoch once, not
 * once per epoch after it (a 50-layer model's run.json is 41 MB by epoch 200).
 */
const epochJson = new WeakMap<object, string>();

/**
 * `JSON.stringify(record)`, character for character, with each epoch's JSON kept for the next
 * record that holds the same epoch object (see epochJson). The record's own fields in their order,
 * those JSON leaves out (undefined) left out.
 *
 * @example
 * runJson(record) === JSON.stringify(record)   // true; the second call serialises only epochs it has not seen
 */
export function runJson(record: RunRecord): string {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    const text = key === 'epochs' && Array.isArray(value) ? `[${Array.from(value, epochText).join(',')}]` : JSON.stringify(value);
    if (text !== undefined) fields.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${fields.join(',')}}`;
}

/** One epoch's JSON (an array entry: `null` where JSON has no text for it), kept by its object. */
function epochText(epoch: unknown): string {
  if (typeof epoch !== 'object' || epoch === null) return JSON.stringify(epoch) ?? 'null';
  let text = epochJson.get(epoch);
  if (text === undefined) {
    text = JSON.stringify(epoch) ?? 'null';
    epochJson.set(epoch, text);
  }
  return text;
}

/** Write the run record as `run.json` (atomically; compact JSON: a 40-epoch run of the reference model is a few MB; each epoch serialised once, see runJson). */
export async function writeRunJson(dir: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(join(dir, RUN_JSON), runJson(record));
}

/**
 * Write `record` as `run.json` unless the file holds it already (the same data, in any key order):
 * a folder brought in line with its checkpoint that already is (a finished run resumed) is left
 * untouched, its manifest too (no proof of a rewrite).
 *
 * @example
 * await writeRunJson(dir, record); await writeRunJsonIfChanged(dir, record)   // the second writes nothing
 */
export async function writeRunJsonIfChanged(dir: string, record: RunRecord): Promise<void> {
  const text = runJson(record);
  let held: unknown;
  try {
    held = JSON.parse(readRegularFile(join(dir, RUN_JSON)).toString('utf8'));
  } catch {
    held = undefined;
  }
  if (held !== undefined && isDeepStrictEqual(held, JSON.parse(text))) return;
  await writeFileAtomic(join(dir, RUN_JSON), text);
}

/** The run record in `dir/run.json`; a DataError naming the file when it is missing or not a run record. */
export function readRunJson(dir: string): RunRecord {
  return readRunFile(join(dir, RUN_JSON));
}

/** The run record in the file `path` (a run.json anywhere, e.g. downloaded from the playground); a DataError naming it when it is not one. */
export function readRunFile(path: string): RunRecord {
  return readJsonRecord(path, 'run record', readRunRecord);
}

/**
 * The last epoch the run record file `path` lists (0 for none), read without checking the rest of
 * the record (`lastRecordedEpoch`): e.g. whether a checkpoint holds run.json's last epoch. A
 * DataError naming the file when it is not a run record with a numbered last epoch.
 */
export function lastEpochInFile(path: string): number {
  return readJsonRecord(path, 'run record', lastRecordedEpoch);
}

/** Write the comparison record of `runs` (folder names, in order) as `dir/compare.json`. */
export async function writeCompareJson(dir: string, runs: readonly string[]): Promise<void> {
  await writeFileAtomic(join(dir, COMPARE_JSON), JSON.stringify(compareRecord(runs), null, 1));
}

/** The comparison record in `dir/compare.json`; a DataError naming the file and what is wrong. */
export function readCompareJson(dir: string): CompareRecord {
  return readJsonRecord(join(dir, COMPARE_JSON), 'comparison record', readCompareRecord);
}

/** Write `record` as `dir/sweep.json` (atomically). */
export async function writeSweepJson(dir: string, record: SweepRecord): Promise<void> {
  await writeFileAtomic(join(dir, SWEEP_JSON), JSON.stringify(record, null, 1));
}

/** The sweep record of `dir`, or undefined when it has none; a DataError when it is not one. */
export function readSweepJson(dir: string): SweepRecord | undefined {
  const path = join(dir, SWEEP_JSON);
  return existsSync(path) ? readJsonRecord(path, 'sweep record', readSweepRecord) : undefined;
}
