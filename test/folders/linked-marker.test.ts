/**
 * A folder whose marker is a hard link to another folder's (`ln a/.penx-folder.jsonl b/`, `cp -al`) is
 * not the tool's: it would read the other folder's manifest as its own and append to it. Every way
 * into it is refused, saying so and what to do, and changes nothing (neither folder); the folder the
 * marker was made for stays the tool's, as does a marker with a second name for a moment while it is
 * written (`writeMarker` links it), and a folder copied whole (its marker one file of its own).
 */
import { cpSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { folderRefusalText } from '../../mnist-demo/cli/folder-remedy.ts';
import { readMarker } from '../../src/folders/owner.ts';
import { tempFileFor } from '../../src/io/atomic.ts';
import {
  adoptOlderEntries,
  checkOwnFolder,
  claimFolder,
  LOCK_FILE,
  lockOwnFolder,
  MARKER_FILE,
  openFolder,
  ownedEntries,
  writeFileAtomic,
} from '../../src/node.ts';
import { tree } from '../cli/tree.ts';
import { olderComparison } from '../fixtures/older-penx-folder.ts';
import { refusalOf } from './refusal-of.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-linked-marker-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run folder of the tool's at `dir` holding a run.json it wrote. */
async function runFolder(dir: string): Promise<void> {
  const run = claimFolder(dir, {}, 'run');
  await writeFileAtomic(join(dir, 'run.json'), '{}');
  run.release();
}

describe("a folder whose marker is a hard link to another folder's", () => {
  it('is not the tool’s: every command refuses it, saying what is wrong and what to do, and neither folder changes; the folder the marker was made for stays the tool’s', async () => {
    const a = join(root, 'a');
    await runFolder(a);
    const b = join(root, 'b');
    mkdirSync(b);
    writeFileSync(join(b, 'notes.txt'), 'mine');
    linkSync(join(a, MARKER_FILE), join(b, MARKER_FILE));
    const before = { a: tree(a), b: tree(b) };

    expect(readMarker(b)).toBeUndefined();
    const problem =
      `${b} is not proven a folder of penalty-explorer's: its ${MARKER_FILE} is a file of 2 names (a hard link) that does not record ${b} ` +
      "as the folder it was made for, so it may be another folder's marker, whose manifest penalty-explorer would read and append to; nothing was touched";
    const remedy = `if ${b} is a copy of a folder of penalty-explorer's, make ${join(b, MARKER_FILE)} a file of its own (copy it, then move the copy over it) and try again`;
    const refusals = [
      () => claimFolder(b, {}, 'run'),
      () => claimFolder(b, { resume: true }, 'run'),
      () => claimFolder(b, { force: true }, 'run'),
      () => claimFolder(b, { output: true }, 'run'),
      () => lockOwnFolder(b, 'run'),
      () => openFolder(b, 'sweep'),
      () => adoptOlderEntries(b),
    ].map(refusalOf);
    for (const err of refusals) expect([err.problem, err.remedy]).toEqual([problem, remedy]);
    expect(refusals.map((e) => e.intent)).toEqual(['new', 'resume', 'force', 'output', 'write', 'new', 'write']);
    expect(refusals[0]?.message).toBe(`${problem}; ${remedy}; or choose another name or folder`);
    // What penx says: the way to make it its own, else the command's other folder; plot's redraw, the way alone.
    expect(folderRefusalText('train', refusals[1])).toBe(`${problem}; ${remedy}; or give another --name or --out`);
    expect(folderRefusalText('plot', refusals[4])).toBe(`${problem}; ${remedy}`);
    expect({ a: tree(a), b: tree(b) }).toEqual(before);

    // The folder it was made for is the tool's, the link notwithstanding: resumed, written into.
    expect(readMarker(a)?.kind).toBe('run');
    const resumed = claimFolder(a, { resume: true }, 'run');
    expect(resumed.resumed).toBe(true);
    resumed.release();

    // Made a file of its own, as the refusal says: a copy of a's folder, the tool's.
    cpSync(join(b, MARKER_FILE), join(b, 'marker.copy'));
    rmSync(join(b, MARKER_FILE));
    cpSync(join(b, 'marker.copy'), join(b, MARKER_FILE));
    rmSync(join(b, 'marker.copy'));
    expect(() => checkOwnFolder(b, 'run')).not.toThrow();
  });

  it('an older penx’s marker (no folder recorded) with a second name is refused in both folders; one name, it is the tool’s', () => {
    const older = join(root, 'older');
    olderComparison(older);
    const linked = join(root, 'older-linked');
    mkdirSync(linked);
    linkSync(join(older, MARKER_FILE), join(linked, MARKER_FILE));
    expect([readMarker(older), readMarker(linked)]).toEqual([undefined, undefined]);
    expect(refusalOf(() => checkOwnFolder(older, 'comparison')).problem).toMatch(/is a file of 2 names \(a hard link\)/);
    rmSync(join(linked, MARKER_FILE));
    expect(readMarker(older)?.kind).toBe('comparison');
  });

  it('a marker with a second name while it is written (or left so by a process killed then) is its folder’s; a folder copied whole is the tool’s', async () => {
    const a = join(root, 'writing');
    await runFolder(a);
    // writeMarker links the marker from its temporary file, then removes that: two names meanwhile.
    linkSync(join(a, MARKER_FILE), tempFileFor(a, MARKER_FILE));
    expect(readMarker(a)?.kind).toBe('run');
    const resumed = claimFolder(a, { resume: true }, 'run');
    expect(readdirSync(a).sort()).toEqual([LOCK_FILE, MARKER_FILE, 'run.json'].sort());
    resumed.release();

    const copy = join(root, 'copied');
    cpSync(a, copy, { recursive: true });
    expect(JSON.parse(readFileSync(join(copy, MARKER_FILE), 'utf8').split('\n')[0] ?? '').folder).toBe(readMarker(a)?.folder);
    expect(readMarker(copy)?.kind).toBe('run');
    expect(ownedEntries(copy)).toEqual(['run.json']);
  });
});
