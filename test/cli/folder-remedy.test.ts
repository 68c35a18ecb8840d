/**
 * What penx says about a folder the library refused (folder-remedy.ts), without a process: the
 * hint names the default folder of `penx plot FILE.json` and of `penx worker`'s --out, a write over
 * entries an older penx listed and a user's file says to move the one and adopt the others, a folder of penx's of another kind than
 * plot redraws is said as such with what to do, a file penx cannot prove it wrote says to move it or (said as the
 * alternative) give another folder, penx start (which always writes figures/runs/quickstart) says to move that
 * folder or compare elsewhere, and each refusal carries the intent that hint is
 * worded by — penx adopt's, a worker's --out inside a run's checkpoint.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adopt } from '../../mnist-demo/cli/actions/adopt.ts';
import { folderRefusalText } from '../../mnist-demo/cli/folder-remedy.ts';
import { adoptOlderEntries, checkOwnFolder, checkWrites, claimFolder, FolderExistsError, FolderRefusedError, OlderFolderError } from '../../src/node.ts';
import { olderComparison } from '../fixtures/older-penx-folder.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-folder-remedy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What penx says about the refusal `take` throws (it fails the test when nothing is thrown). */
function said(command: string, take: () => unknown): string | undefined {
  try {
    take();
  } catch (err) {
    return folderRefusalText(command, err);
  }
  throw new Error('not refused');
}

describe('a refused folder: the hint fits the command and what it meant to do with the folder', () => {
  it('penx plot FILE.json: another --out, naming the folder it draws into without one', () => {
    expect(folderRefusalText('plot', new FolderExistsError('runs/run', 'run folder'))).toBe(
      'run folder runs/run already exists; give another --out DIR (without --out, penx plot draws DIR/NAME.json into DIR/NAME)',
    );
  });

  it('penx worker whose --out is refused: another --out, naming the folder its --out defaults to', () => {
    const refused = new FolderRefusedError(
      'runs/r/checkpoint/x',
      "runs/r/checkpoint/x is inside the run's checkpoint runs/r/checkpoint; nothing was touched",
      'output',
    );
    expect(folderRefusalText('worker', refused)).toBe(
      "runs/r/checkpoint/x is inside the run's checkpoint runs/r/checkpoint; nothing was touched; give another --out DIR (without --out, penx worker trains the sweeps in figures/runs)",
    );
  });

  it('penx plot of a folder of penx’s of another kind: says what it is, and draws its run.json into a new folder', () => {
    const cmp = join(root, 'cmp');
    claimFolder(cmp, {}, 'comparison').release();
    expect(said('plot', () => checkOwnFolder(cmp, 'run'))).toBe(
      `${cmp} holds a comparison, not a run; nothing was touched; penx plot redraws a run only in a run folder penx wrote, and ${cmp} is a comparison folder; ` +
        `penx plot ${join(cmp, 'run.json')} --out DIR draws its run.json into a new run folder`,
    );
    const run = join(root, 'run');
    claimFolder(run, {}, 'run').release();
    expect(said('plot', () => checkOwnFolder(run, 'comparison'))).toMatch(/, and \S+\/run is a run folder; give the comparison's own folder$/);
  });

  it('a write over entries an older penx listed and a file of the user’s: move the user’s, adopt the older ones (adopting alone does not let it run)', () => {
    const dir = join(root, 'older-and-users');
    olderComparison(dir);
    writeFileSync(join(dir, 'sparsity.png'), 'mine');
    const write = () => checkWrites(dir, ['report.html', 'sparsity.png']);
    expect(write).toThrow(expect.objectContaining({ name: 'OlderFolderError', intent: 'write', onlyOlder: false }));
    expect(write).toThrow(OlderFolderError);
    const problem =
      `refusing to write over ${join(dir, 'report.html')} (listed without a record of its content, as an older version listed files); ` +
      `${join(dir, 'sparsity.png')} (not in the manifest: penalty-explorer did not write it): penalty-explorer writes over only what it can prove it wrote; ` +
      `nothing was touched; move them out of ${dir} (or delete them if penalty-explorer's)`;
    expect(write).toThrow(
      `${problem}; those an older version listed need not move: if they are still what it wrote, adopt them (adoptOlderEntries); then try again`,
    );
    expect(said('plot', write)).toBe(
      `${problem}; those an older penx listed need not move: if they are still as it left them, penx adopt ${dir} records them as penx's; then run the command again`,
    );
  });

  it('--force over a folder an older penx wrote, one of its entries a link: move that, adopt the others', () => {
    const dir = join(root, 'older-and-link');
    olderComparison(dir);
    rmSync(join(dir, 'report.html'));
    symlinkSync('compare.json', join(dir, 'report.html'));
    const force = () => claimFolder(dir, { force: true }, 'comparison');
    expect(force).toThrow(expect.objectContaining({ name: 'OlderFolderError', intent: 'force', onlyOlder: false }));
    expect(said('compare', force)).toBe(
      `refusing to start ${dir} over: its manifest lists 17 entries penalty-explorer cannot prove it wrote: none/run.json, none/epoch-000.png, none/epoch-000.svg, ` +
        'none/histograms.png and 10 more (listed without a record of its content, as an older version listed files); none/checkpoint, l1_1e-4/checkpoint ' +
        '(a folder listed without a record of its content, as an older version listed folders); report.html (not a regular file); ' +
        "nothing was touched; move them out of the folder (or delete them if penalty-explorer's); those an older penx listed need not move: " +
        `if they are still as it left them, penx adopt ${dir} records them as penx's; then run the command again`,
    );
  });

  it('--force over a folder listing a file penx cannot prove it wrote: move it, or (the alternative, said so) give another folder', () => {
    const dir = join(root, 'adopted-then-edited');
    olderComparison(dir);
    adoptOlderEntries(dir);
    writeFileSync(join(dir, 'report.html'), '<html>mine');
    const force = () => claimFolder(dir, { force: true }, 'comparison');
    const refused =
      `refusing to start ${dir} over: its manifest lists a file penalty-explorer cannot prove it wrote: report.html (its content is not what penalty-explorer wrote there); ` +
      "nothing was touched; move it out of the folder (or delete it if penalty-explorer's) and try again; or ";
    expect(force).toThrow(`${refused}choose another name or folder`);
    expect(said('compare', force)).toBe(`${refused}give another --name or --out`);
  });

  it('penx start refusing figures/runs/quickstart: what is wrong, then what would be right, one sentence with the folder’s own remedy or without', () => {
    const quick = join(root, 'start', 'figures', 'runs', 'quickstart');
    olderComparison(quick);
    adoptOlderEntries(quick);
    writeFileSync(join(quick, 'report.html'), '<html>mine');
    const elsewhere = (dir: string) =>
      `move ${dir} elsewhere (penx start always writes there), or run the same comparison into another folder with penx compare --out DIR --name NAME`;
    expect(said('start', () => claimFolder(quick, { force: true }, 'comparison'))).toBe(
      `refusing to start ${quick} over: its manifest lists a file penalty-explorer cannot prove it wrote: report.html (its content is not what penalty-explorer wrote there); ` +
        `nothing was touched; move it out of the folder (or delete it if penalty-explorer's) and try again; or ${elsewhere(quick)}`,
    );
    const users = join(root, 'start-users');
    mkdirSync(users);
    writeFileSync(join(users, 'notes.txt'), 'mine');
    expect(said('start', () => claimFolder(users, { force: true }, 'comparison'))).toBe(
      `refusing to start ${users} over: it was not written by penalty-explorer (it has no valid .penx-folder.jsonl marker); nothing was touched; ${elsewhere(users)}`,
    );
  });

  it('penx adopt of a folder that is not penx’s: refused as a folder to write into', () => {
    let refusal: unknown;
    try {
      adopt([join(root, 'missing')], {});
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(FolderRefusedError);
    expect(refusal).toMatchObject({ intent: 'write' });
    expect(folderRefusalText('adopt', refusal)).toBe(
      `cannot adopt ${join(root, 'missing')}: there is no such folder; nothing was recorded; penx adopt takes folders a penx wrote`,
    );
  });
});
