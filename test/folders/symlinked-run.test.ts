/**
 * Symbolic links in the tool's folders, which it never makes. A run of a comparison replaced by a
 * link to a run elsewhere is not a folder the comparison's manifest can prove the tool wrote there,
 * so starting the comparison over or continuing it is refused, and the run elsewhere is never
 * locked, resumed, emptied or written through the link. A link named as the tool's leftovers
 * (`checkpoint.penx-old`) is never put back as the run's checkpoint.
 */
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claimFolder, FolderRefusedError, lockOwnFolder, provenPresent, removeLeftovers, removeOwned, unprovenFiles, writeFileAtomic } from '../../src/node.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-symlinked-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run folder of the tool's at `dir` holding a run.json. */
async function writeRun(dir: string): Promise<void> {
  const run = claimFolder(dir, {}, 'run');
  await writeFileAtomic(join(dir, 'run.json'), '{"epochs":[]}');
  run.release();
}

/** Every entry below `dir` with its size, modification time and content: what must not change. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((name) => {
      const stat = statSync(join(dir, name));
      return `${name} ${stat.size} ${stat.mtimeMs} ${stat.isFile() ? readFileSync(join(dir, name), 'base64') : ''}`;
    })
    .concat(`. ${statSync(dir).mtimeMs}`);
}

describe('a run of a comparison that is a symbolic link to a run elsewhere', () => {
  it('is not proven the tool’s: the comparison is not started over or continued, the run elsewhere not touched through the link', async () => {
    const cmp = join(root, 'cmp');
    const elsewhere = join(root, 'elsewhere');
    const claimed = claimFolder(cmp, {}, 'comparison');
    await writeFileAtomic(join(cmp, 'compare.json'), '["l1"]');
    await writeRun(join(cmp, 'l1'));
    claimed.release();
    await writeRun(elsewhere);
    rmSync(join(cmp, 'l1'), { recursive: true });
    symlinkSync(elsewhere, join(cmp, 'l1'));
    const before = snapshot(elsewhere);
    const manifest = readFileSync(join(cmp, '.penx-folder.jsonl'), 'utf8');

    expect(unprovenFiles(cmp)).toEqual([{ path: 'l1', why: expect.stringMatching(/not a regular file/) }]);
    expect(provenPresent(cmp)).toEqual(['compare.json']);
    for (const policy of [{ force: true }, { resume: true }])
      expect(() => claimFolder(cmp, policy, 'comparison'), JSON.stringify(policy)).toThrow(/l1 \(not a regular file/);
    expect(() => removeOwned(cmp)).toThrow(FolderRefusedError);
    // The run itself, claimed through the link (as the comparison's runs are): refused untouched.
    for (const policy of [{}, { resume: true }, { force: true }])
      expect(() => claimFolder(join(cmp, 'l1'), policy, 'run'), JSON.stringify(policy)).toThrow(/symbolic link/);
    // Nor redrawn through it (penx plot judges each run of a comparison so before it locks one).
    expect(() => lockOwnFolder(join(cmp, 'l1'), 'run')).toThrow(/symbolic link/);

    expect(snapshot(elsewhere)).toEqual(before);
    expect(lstatSync(join(cmp, 'l1')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(cmp, '.penx-folder.jsonl'), 'utf8')).toBe(manifest);
  });
});

describe('a symbolic link named as the old copy of a checkpoint (checkpoint.penx-old) to a folder elsewhere', () => {
  it('is not put back as the run’s checkpoint when a run is taken again: the link alone removed, the folder elsewhere as it was', async () => {
    const run = join(root, 'run');
    const elsewhere = join(root, 'checkpoint-elsewhere');
    await writeRun(run);
    await writeRun(elsewhere);
    symlinkSync(elsewhere, join(run, 'checkpoint.penx-old'));
    const before = snapshot(elsewhere);
    removeLeftovers(run);
    expect(readdirSync(run).sort()).toEqual(['.penx-folder.jsonl', 'run.json']);
    expect(snapshot(elsewhere)).toEqual(before);
  });
});
