/**
 * penx writes over a name in its folders only while what is there is what it wrote (the manifest's
 * proof, a folder's tree digest): a user's file or folder of that name is refused, left as it is,
 * at every write (figures, records, checkpoint/); and the temporary file a rewrite of a checkpoint's
 * file puts in it is recorded first, so a process killed meanwhile leaves nothing `--force` refuses.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isLeftover } from '../../src/folder-names.ts';
import { replaceDirAtomic, rewriteInFolder } from '../../src/io/atomic.ts';
import { checkClaim, claimFolder, IOError, lockOwnFolder, MARKER_FILE, unprovenFiles, writeFileAtomic } from '../../src/node.ts';

/**
 * While `on`, the rename that ends an atomic write never comes: a process killed between writing
 * its temporary file (written, synced and closed) and renaming it. `reached` is told when a write
 * gets there.
 */
const killed = vi.hoisted(() => ({ on: false, reached: (): void => undefined }));
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  const rename = (from: string, to: string) => {
    if (!killed.on) return fs.rename(from, to);
    killed.reached();
    return new Promise<void>(() => undefined);
  };
  return { ...fs, rename };
});

const root = mkdtempSync(join(tmpdir(), 'penx-overwrite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run folder as penx writes one: run.json and a checkpoint/ written whole. */
async function runFolder(name: string): Promise<string> {
  const run = join(root, name);
  const claimed = claimFolder(run, {}, 'run');
  await writeFileAtomic(join(run, 'run.json'), '{"epoch":1}');
  await replaceDirAtomic(join(run, 'checkpoint'), async (tmp) => writeFileAtomic(join(tmp, 'run.json'), '{"epoch":1}'));
  claimed.release();
  return run;
}

/** The leftovers below `dir`, one level down too. */
const leftovers = (dir: string) => [...readdirSync(dir), ...readdirSync(join(dir, 'checkpoint'))].filter(isLeftover);

describe('writing over a name: only what penx can prove it wrote', () => {
  it('a record, checkpoint/ or unlisted name the user put there: each write refused, left as it is, no temporary file left; a new name is written', async () => {
    const run = await runFolder('users');
    writeFileSync(join(run, 'run.json'), '{"mine":true}');
    writeFileSync(join(run, 'checkpoint', 'notes.txt'), 'mine');
    writeFileSync(join(run, 'curves.png'), 'my figure');
    // Resuming it is refused before anything is written, naming both listed entries.
    expect(() => checkClaim(run, 'run', { resume: true })).toThrow(
      `refusing to write over ${join(run, 'run.json')} (its content is not what penalty-explorer wrote there); ${join(run, 'checkpoint')} (a folder whose content is not what penalty-explorer wrote there)`,
    );
    const manifest = readFileSync(join(run, MARKER_FILE), 'utf8');
    const release = lockOwnFolder(run, 'run');
    try {
      const writes: Array<[string, () => Promise<void>, string]> = [
        ['run.json', () => writeFileAtomic(join(run, 'run.json'), '{"epoch":2}'), 'its content is not what penalty-explorer wrote there'],
        ['curves.png', () => writeFileAtomic(join(run, 'curves.png'), 'a figure'), 'not in the manifest: penalty-explorer did not write it'],
        [
          'checkpoint',
          () => replaceDirAtomic(join(run, 'checkpoint'), async () => undefined),
          'a folder whose content is not what penalty-explorer wrote there',
        ],
        ['checkpoint', () => rewriteInFolder(join(run, 'checkpoint'), 'run.json', '{}'), 'a folder whose content is not what penalty-explorer wrote there'],
      ];
      for (const [name, write, why] of writes) {
        await expect(write(), name).rejects.toThrow(IOError);
        await expect(write(), name).rejects.toThrow(
          `refusing to write over ${join(run, name)} (${why}): penalty-explorer writes over only what it can prove it wrote; it was left as it is; move it out of ${run}`,
        );
      }
      expect(readFileSync(join(run, 'run.json'), 'utf8')).toBe('{"mine":true}');
      expect(readFileSync(join(run, 'curves.png'), 'utf8')).toBe('my figure');
      expect(readdirSync(join(run, 'checkpoint')).sort()).toEqual(['notes.txt', 'run.json']);
      expect(leftovers(run)).toEqual([]);
      expect(readFileSync(join(run, MARKER_FILE), 'utf8')).toBe(manifest);
      await writeFileAtomic(join(run, 'loss.png'), 'a new figure');
      expect(readFileSync(join(run, 'loss.png'), 'utf8')).toBe('a new figure');
    } finally {
      release();
    }
  });
});

describe('a temporary file a killed rewrite left in checkpoint/', () => {
  it('recorded before it was written: proven penx’s, so --resume and --force take the folder, which --force deletes whole', async () => {
    const run = await runFolder('killed');
    const release = lockOwnFolder(run, 'run');
    killed.on = true;
    // Wait for the write to reach its rename (the temporary file written whole), which never comes:
    // polling the file's content instead let the real rename run later, after --force had deleted it.
    const reached = new Promise<void>((resolve) => {
      killed.reached = resolve;
    });
    void rewriteInFolder(join(run, 'checkpoint'), 'run.json', '{"epoch":1,"complete":true}');
    await reached;
    killed.on = false;
    const [temp = 'none'] = leftovers(run);
    expect(readFileSync(join(run, 'checkpoint', temp), 'utf8')).toBe('{"epoch":1,"complete":true}');
    release();
    expect(readFileSync(join(run, MARKER_FILE), 'utf8')).toContain(`"temp":"${temp}"`);
    expect(unprovenFiles(run)).toEqual([]);
    expect(() => checkClaim(run, 'run', { resume: true })).not.toThrow();
    const forced = claimFolder(run, { force: true }, 'run');
    forced.release();
    expect(forced.kept).toEqual([]);
    expect(existsSync(join(run, 'checkpoint'))).toBe(false);
  });

  it('not recorded (an older penx): --force refused, nothing touched, naming that file as a leftover', async () => {
    const run = await runFolder('older');
    const temp = '.run.json.4242.0badc0de.penx-tmp';
    writeFileSync(join(run, 'checkpoint', temp), '{"epo');
    const why = `a leftover temporary file of an interrupted write, not recorded as penalty-explorer's`;
    expect(unprovenFiles(run)).toEqual([{ path: `checkpoint/${temp}`, why: expect.stringContaining(why) }]);
    const manifest = readFileSync(join(run, MARKER_FILE), 'utf8');
    expect(() => claimFolder(run, { force: true }, 'run')).toThrow(`cannot prove it wrote: checkpoint/${temp} (${why}`);
    expect(readdirSync(join(run, 'checkpoint')).sort()).toEqual([temp, 'run.json']);
    expect(readFileSync(join(run, MARKER_FILE), 'utf8')).toBe(manifest);
  });
});
