/**
 * The run folders a record names (compare.json's runs, sweep.json's name and runs) follow the rule
 * `--name` follows (`runNameProblem`, one definition): a record naming a folder penx never makes —
 * a bidirectional control that shows it reordered (`l1\u202egnp.exe` as `l1exe.png`), a path, one
 * of penx's own file names — is refused by the library's readers, the message naming the file and
 * the name escaped (safe to print); the records penx writes read back as written.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, RecordFormatError, UsageError, visibleControls } from '../../src/errors.ts';
import { checkRunName, runNameProblem } from '../../src/folder-names.ts';
import { readCompareJson, readSweepJson, writeCompareJson, writeSweepJson } from '../../src/folders/records.ts';
import { folderNameSchema, readCompareRecord, readSweepRecord, type SweepRecord } from '../../src/formats/index.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-record-names-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RLO = 'l1\u202egnp.exe';
/** Every bidirectional control, by its code point. */
const BIDI = ['061C', '200E', '200F', '202A', '202B', '202C', '202D', '202E', '2066', '2067', '2068', '2069'];
const char = (hex: string) => String.fromCharCode(Number.parseInt(hex, 16));
const REFUSED = [
  ...BIDI.map((h) => `l1${char(h)}x`),
  'a\u001b[2Kb',
  'a\u0085b',
  '',
  '.',
  '..',
  'a/b',
  'a\\b',
  '.penx.lock',
  '.penx-folder.jsonl',
  'x.penx-old',
  'n'.repeat(256),
];
const TAKEN = [
  'l1_1e-4',
  'deadzone_1e-4_a=0.25_seed=7',
  'none__adamw_lr=0.001',
  'my run',
  '.hidden-ok',
  'n'.repeat(255),
  'run-\u{1f9d1}\u200d\u{1f52c}',
  'long\u00adname',
];
/** A test's title for a name: escaped as messages show it (a raw control would reorder or drive the test report), a long one cut. */
const title = (name: string) => JSON.stringify(visibleControls(name.length > 20 ? `${name.slice(0, 8)}…(${name.length})` : name));

const sweep = (runs: readonly string[], name = 'lambda'): SweepRecord => ({
  format: 'penalty-explorer/sweep@1',
  name,
  grid: { penalties: ['l1'], strengths: [1e-4], seeds: runs.map((_, i) => i + 1) },
  settings: { epochs: '2' },
  runs: runs.map((n, i) => ({ name: n, penalty: 'l1:1e-4', strength: 1e-4, seed: i + 1 })),
});

/** A folder holding `file` with `json` written as is (a hand-made or older record). */
function folderWith(name: string, file: string, json: unknown): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), JSON.stringify(json));
  return dir;
}

describe('a folder name in a record: the rule of --name', () => {
  it.each([...REFUSED, ...TAKEN].map((name) => [title(name), name]))('%s: the schema takes it exactly when checkRunName does', (_, name) => {
    const given = (() => {
      try {
        checkRunName(name);
        return true;
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        return false;
      }
    })();
    expect(folderNameSchema.safeParse(name).success).toBe(given);
    expect(given).toBe(TAKEN.includes(name));
  });

  it.each(BIDI)('U+%s in a comparison record: refused, naming the field, the name escaped and the code point', (hex) => {
    const read = () => readCompareRecord({ format: 'penalty-explorer/compare@1', runs: ['none', `l1${char(hex)}gnp.exe`] });
    expect(read).toThrow(RecordFormatError);
    expect(read).toThrow(
      `runs[1]: 'l1\\u${hex.toLowerCase()}gnp.exe' contains the bidirectional control U+${hex}, which shows the name reordered: expected one plain folder name, e.g. l1_1e-4`,
    );
  });

  it('readCompareJson: a compare.json naming such a folder is a DataError naming the file; the message holds no control', () => {
    const dir = folderWith('cmp', 'compare.json', { format: 'penalty-explorer/compare@1', runs: ['none', RLO] });
    expect(() => readCompareJson(dir)).toThrow(DataError);
    const message = (() => {
      try {
        readCompareJson(dir);
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toBe(
      `${join(dir, 'compare.json')}: cannot be read as a comparison record (not a valid penalty-explorer/compare@1 record: runs[1]: 'l1\\u202egnp.exe' contains the bidirectional control U+202E, which shows the name reordered: expected one plain folder name, e.g. l1_1e-4)`,
    );
    expect(message).not.toMatch(/[^\P{Cc}\n]|\p{Bidi_Control}/u);
  });

  it('readSweepJson: a sweep.json naming such a run, or named so itself, is a DataError naming the file and the field', () => {
    const runs = folderWith('sweep-runs', 'sweep.json', sweep(['l1_1e-4_seed=1', RLO]));
    expect(() => readSweepJson(runs)).toThrow(
      /sweep-runs\/sweep\.json: cannot be read as a sweep record .*runs\[1\]\.name: 'l1\\u202egnp\.exe' contains the bidirectional control U\+202E/,
    );
    const named = folderWith('sweep-name', 'sweep.json', sweep(['l1_1e-4_seed=1'], 'lambda\u2067x'));
    expect(() => readSweepJson(named)).toThrow(
      /sweep-name\/sweep\.json: cannot be read as a sweep record .*name: 'lambda\\u2067x' contains the bidirectional control U\+2067/,
    );
    // A queue's registry holds the same record: read by the same reader.
    expect(() => readSweepRecord(sweep([RLO]))).toThrow(RecordFormatError);
  });

  it('the records penx writes, with every name --name takes, read back as written', async () => {
    const cmp = join(root, 'written-cmp');
    mkdirSync(cmp);
    await writeCompareJson(cmp, TAKEN);
    expect(readCompareJson(cmp).runs).toEqual(TAKEN);
    const sw = join(root, 'written-sweep');
    mkdirSync(sw);
    await writeSweepJson(sw, sweep(TAKEN, 'run-\u{1f9d1}\u200d\u{1f52c}'));
    expect(readSweepJson(sw)).toEqual(sweep(TAKEN, 'run-\u{1f9d1}\u200d\u{1f52c}'));
  });

  it('runNameProblem says what checkRunName says, without throwing', () => {
    expect(runNameProblem('l1_1e-4')).toBeUndefined();
    expect(runNameProblem(RLO)).toBe("'l1\\u202egnp.exe' contains the bidirectional control U+202E, which shows the name reordered");
    expect(() => checkRunName(RLO, '--name')).toThrow(`--name ${runNameProblem(RLO)}; give one plain folder name, e.g. l1_1e-4`);
  });
});
