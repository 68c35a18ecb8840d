/**
 * A folder in the way is refused with a remedy in the refused command's own flags: `penx plot
 * FILE --out DIR` says to give another --out (plot has no --resume or --force) and where plot draws
 * FILE without one, `penx plot DIR` of a
 * folder not penx's that it redraws folders penx wrote, `penx start` says
 * that it always writes figures/runs/quickstart (it has no --name or --out), and over a quickstart an
 * older penx wrote, which folder to move. Nothing is changed.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claimFolder } from '../../src/folders/folder.ts';
import { writeRunJson } from '../../src/folders/records.ts';
import { olderComparison } from '../fixtures/older-penx-folder.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';
import { penx, type Run } from './run-penx.ts';
import { tree } from './tree.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-folder-hints-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CLI = resolve('mnist-demo/dist/cli.mjs');

/** `penx` run in `cwd`. */
function penxIn(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((done) =>
    execFile(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    ),
  );
}

describe('a folder in the way: the remedy fits the command', () => {
  it('penx plot FILE --out DIR, DIR a run folder of penx or a folder of the user: give another --out; penx plot DIR not penx’s: it redraws folders penx wrote', async () => {
    const file = join(root, 'record.json');
    writeFileSync(file, JSON.stringify(makeRunRecord({ epochs: 1 })));
    const own = join(root, 'own');
    claimFolder(own, {}, 'run').release();
    await writeRunJson(own, makeRunRecord({ epochs: 1 }));
    const before = readdirSync(own).sort();
    const exists = await penx('plot', file, '--out', own);
    expect(exists.code).toBe(2);
    // The default named: a user who never gave --out learns where plot draws a record file without it.
    expect(exists.stderr).toContain(`run folder ${own} already exists; give another --out DIR (without --out, penx plot draws DIR/NAME.json into DIR/NAME)\n`);
    expect(exists.stderr).not.toMatch(/--resume|--force/);
    expect(readdirSync(own).sort()).toEqual(before);

    const users = join(root, 'users');
    mkdirSync(users);
    writeFileSync(join(users, 'notes.txt'), 'mine');
    const notOwned = await penx('plot', file, '--out', users);
    expect(notOwned.code).toBe(2);
    expect(notOwned.stderr).toMatch(
      /was not written by penalty-explorer .*nothing was touched; give another --out DIR \(without --out, penx plot draws DIR\/NAME\.json into DIR\/NAME\)\n/,
    );
    expect(readdirSync(users)).toEqual(['notes.txt']);

    // A run's record in a folder penx did not write, given to redraw: refused as a folder to write into, not as an --out.
    writeFileSync(join(users, 'run.json'), JSON.stringify(makeRunRecord({ epochs: 1 })));
    const redraw = await penx('plot', users);
    expect(redraw.code).toBe(2);
    expect(redraw.stderr).toBe(
      `penx: error: will not write into ${users}: it was not written by penalty-explorer (it has no valid .penx-folder.jsonl marker); nothing was touched; penx plot redraws folders penx wrote\n`,
    );
    expect(readdirSync(users).sort()).toEqual(['notes.txt', 'run.json']);
  });

  it("penx start refusing the user's figures/runs/quickstart: says start always writes there, names no flag start lacks", async () => {
    const cwd = join(root, 'project');
    const quick = join(cwd, 'figures', 'runs', 'quickstart');
    mkdirSync(quick, { recursive: true });
    writeFileSync(join(quick, 'notes.txt'), 'mine');
    const r = await penxIn(cwd, 'start');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /refusing to start figures\/runs\/quickstart over: .*nothing was touched; move figures\/runs\/quickstart elsewhere \(penx start always writes there\), or run the same comparison into another folder with penx compare --out DIR --name NAME\n/,
    );
    expect(r.stderr).not.toMatch(/choose another name or folder/);
    expect(readdirSync(quick)).toEqual(['notes.txt']);
  });

  it('penx start over the quickstart an older penx wrote (names only in its manifests): one message naming the folder to move, nothing touched', async () => {
    const cwd = join(root, 'upgraded');
    const quick = join(cwd, 'figures', 'runs', 'quickstart');
    olderComparison(quick);
    const before = tree(quick);
    const r = await penxIn(cwd, 'start');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /penx: error: refusing to start figures\/runs\/quickstart over: an older penx wrote it, and its manifest lists 17 entries by name only .*; nothing was touched; move figures\/runs\/quickstart out of the way \(or delete it yourself\) and run the command again; or, if its files are still as the older penx left them, penx adopt figures\/runs\/quickstart records them as penx's and the command can run\n/,
    );
    expect(tree(quick)).toEqual(before);

    // penx adopt records them (the user's word), only proof lines appended; then the start is not refused for them.
    const adopted = await penxIn(cwd, 'adopt', 'figures/runs/quickstart', '--json');
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.stderr).toBe('figures/runs/quickstart: adopted 17 entries\n');
    // The document's paths absolute (the folder was given relative to the working folder).
    expect(JSON.parse(adopted.stdout).folders[0]).toMatchObject({ folder: quick, left: [] });
    const after = tree(quick);
    expect(Object.keys(after).filter((k) => after[k] !== before[k])).toEqual(['.penx-folder.jsonl', 'l1_1e-4/.penx-folder.jsonl', 'none/.penx-folder.jsonl']);
    const users = join(cwd, 'mine');
    mkdirSync(users);
    const refused = await penxIn(cwd, 'adopt', 'mine');
    expect([refused.code, refused.stderr]).toEqual([
      2,
      'penx: error: cannot adopt mine: it was not written by penalty-explorer (it has no valid marker); nothing was recorded; penx adopt takes folders a penx wrote\n',
    ]);
  });
});
