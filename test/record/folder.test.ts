import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRunName, claimFolder, FolderExistsError, hasContent, LOCK_FILE, lockFolder, LockedError, makeFolder, removeLeftovers, SpecError } from '../../src/node.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('run names', () => {
  it.each(['..', '.', 'a/b', '../x', '/abs', 'x\\y', '', 'n'.repeat(300)])('refuses %j: one plain path segment only', (name) => {
    expect(() => checkRunName(name)).toThrow(SpecError);
  });
  it.each(['l1_1e-4', 'deadzone_1e-4_a=0.25', 'my run', '.hidden-ok', 'n'.repeat(255)])('takes %j', (name) => {
    expect(() => checkRunName(name)).not.toThrow();
  });
});

describe('claimFolder', () => {
  it('refuses an existing folder, empties one this tool wrote with force, never another', () => {
    const run = join(root, 'run');
    mkdirSync(join(run, 'checkpoint'), { recursive: true });
    writeFileSync(join(run, 'run.json'), '{}');
    expect(() => claimFolder(run, {}, 'run folder')).toThrow(FolderExistsError);
    claimFolder(run, { force: true }, 'run folder').release();
    expect(readdirSync(run)).toEqual([]);
    const precious = join(root, 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'thesis.tex'), 'years of work');
    expect(() => claimFolder(precious, { force: true }, 'run folder')).toThrow(/refusing to delete .*precious: it is not a folder written by penalty-explorer/);
    expect(readdirSync(precious)).toEqual(['thesis.tex']);
  });

  it('locks the folder: a second claim names the holder; a dead holder’s lock is taken over', () => {
    const dir = join(root, 'locked');
    const held = claimFolder(dir, {}, 'run folder');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    // Another live process holds it (the test runner's parent stands in for one).
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), command: 'penx train', since: 'now' }));
    expect(() => lockFolder(dir)).toThrow(LockedError);
    expect(() => lockFolder(dir)).toThrow(new RegExp(`in use by process ${process.ppid} \\(penx train`));
    // A killed holder: pid 2^22 + 1 is beyond Linux's pid range, so no process has it.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 4194305, host: hostname(), command: 'penx train', since: 'then' }));
    const again = lockFolder(dir);
    again();
    held.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('leftovers of a killed run are not content, and are removed; a half-swapped checkpoint is put back', () => {
    const dir = join(root, 'leftovers');
    mkdirSync(join(dir, 'checkpoint.tmp-4242'), { recursive: true });
    mkdirSync(join(dir, 'checkpoint.old'), { recursive: true });
    writeFileSync(join(dir, 'checkpoint.old', 'run.json'), '{}');
    writeFileSync(join(dir, '.run.json.4242.deadbeef.tmp'), 'half');
    writeFileSync(join(dir, '.epoch-001.png.4242.00ff00ff.tmp'), 'half');
    writeFileSync(join(dir, LOCK_FILE), '{}');
    // Only temporary files and the old checkpoint copy: no run yet as far as "content" goes.
    expect(hasContent(dir)).toBe(false);
    removeLeftovers(dir);
    expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, 'checkpoint']);
    expect(readdirSync(join(dir, 'checkpoint'))).toEqual(['run.json']);
  });
});

describe('makeFolder', () => {
  it('says what is wrong, and never loops: a file in the way, /proc, a read-only folder', () => {
    const file = join(root, 'afile');
    writeFileSync(file, '');
    expect(() => makeFolder(join(file, 'x'))).toThrow(/afile is a file, not a folder/);
    const t0 = performance.now();
    expect(() => makeFolder('/proc/penx-x')).toThrow(/cannot make \/proc\/penx-x/);
    expect(performance.now() - t0).toBeLessThan(2000);
    makeFolder(join(root, 'a', 'b', 'c'));
    expect(existsSync(join(root, 'a', 'b', 'c'))).toBe(true);
  });
});

describe('temporary folders of the threaded wasm build', () => {
  it('those of killed processes are removed at the next start; live ones are kept', async () => {
    const { removeStaleWasmFolders } = await import('../../src/backends/wasm-threads.ts');
    const dead = join(tmpdir(), 'penx-wasm-4194305-test');
    const live = join(tmpdir(), `penx-wasm-${process.ppid}-test`);
    mkdirSync(dead, { recursive: true });
    mkdirSync(live, { recursive: true });
    removeStaleWasmFolders();
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    rmSync(live, { recursive: true });
  });
});
