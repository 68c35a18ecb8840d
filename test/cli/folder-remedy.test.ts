/**
 * What penx says about a folder the library refused (folder-remedy.ts), without a process: the
 * hint names the default folder of `penx plot FILE.json`, a folder of penx's of another kind than
 * plot redraws is said as such with what to do, and each refusal carries the intent that hint is
 * worded by — penx adopt's, a worker's --out inside a run's checkpoint.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adopt } from '../../mnist-demo/cli/actions/adopt.ts';
import { folderRefusalText } from '../../mnist-demo/cli/folder-remedy.ts';
import { checkOwnFolder, claimFolder, FolderExistsError, FolderRefusedError } from '../../src/node.ts';

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
