/**
 * A folder an older penx wrote (before manifests held proofs), as an upgrading user has `npm
 * start`'s figures/runs/quickstart: `--force` (and `penx start`, which always forces) cannot prove a
 * file still holds what penx wrote and deletes none. It is refused with one message naming the
 * folder to move, nothing touched (`test/cli/folder-hints.test.ts`: what `penx start` prints). Adopting
 * records what an older penx listed; with nothing to adopt, the folder is left as it was (its mtime too).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adoptOlderEntries, checkClaim, checkOverwrite, claimFolder, FolderRefusedError, MARKER_FILE, OlderFolderError } from '../../src/node.ts';
import { tree } from '../cli/tree.ts';
import { olderComparison, olderPruned } from '../fixtures/older-penx-folder.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-older-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a folder an older penx wrote, started over (penx start, --force)', () => {
  it('is refused with one message naming the folder to move; nothing touched', () => {
    const dir = join(root, 'quickstart');
    olderComparison(dir);
    const before = tree(dir);
    for (const start of [() => checkClaim(dir, 'comparison', { force: true }), () => claimFolder(dir, { force: true }, 'comparison')]) {
      let err: unknown;
      try {
        start();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FolderRefusedError);
      expect((err as FolderRefusedError).problem).toBe(
        `refusing to start ${dir} over: an older penx wrote it, and its manifest lists 17 entries by name only ` +
          '(none/run.json, none/epoch-000.png, none/epoch-000.svg, none/histograms.png and 13 more), without the size and SHA-256 this version records, ' +
          'so penalty-explorer cannot prove they are still what it wrote and deletes none of them; ' +
          `nothing was touched; move ${dir} out of the way (or delete it yourself) and run the command again`,
      );
      expect(tree(dir)).toEqual(before);
    }
  });
});

describe('a pruned model an older penx wrote, taken for a new output (penx prune --out)', () => {
  it('is refused as replacing the earlier output (not as started over), saying to put the output elsewhere or move the folder; nothing touched', () => {
    const dir = join(root, 'pruned');
    olderPruned(dir);
    const before = tree(dir);
    for (const take of [() => checkClaim(dir, 'pruned', { output: true }), () => claimFolder(dir, { output: true }, 'pruned')]) {
      expect(take).toThrow(OlderFolderError);
      // What was meant carried too: an app names its flag for another output folder (penx prune's --out).
      expect(take).toThrow(expect.objectContaining({ intent: 'output' }));
      expect(take).toThrow(
        `refusing to replace the earlier output in ${dir}: an older penx wrote it, and its manifest lists 4 entries by name only ` +
          '(model, weights.sparse.bin, weights.sparse.json, prune.json), without the size and SHA-256 this version records, ' +
          'so penalty-explorer cannot prove they are still what it wrote and deletes none of them; ' +
          `nothing was touched; put the output into another folder, or move ${dir} out of the way (or delete it yourself) and run the command again`,
      );
      expect(tree(dir)).toEqual(before);
    }
  });
});

describe('a folder an older penx wrote, adopted (penx adopt): the user vouches for its files', () => {
  it('records each entry listed by name alone with what it holds now; then --force and a redraw work, a second adoption records nothing', () => {
    const dir = join(root, 'adopted');
    olderComparison(dir);
    expect(() => checkOverwrite(dir)).toThrow(OlderFolderError);
    // Each refusal to write over its entries carries what the command does with the folder: a redraw writes into it, a resume resumes it.
    expect(() => checkOverwrite(dir)).toThrow(expect.objectContaining({ intent: 'write' }));
    expect(() => claimFolder(dir, { resume: true }, 'comparison')).toThrow(expect.objectContaining({ name: 'OlderFolderError', intent: 'resume' }));
    const before = tree(dir);
    const { adopted, left } = adoptOlderEntries(dir);
    expect(adopted).toHaveLength(17);
    expect(adopted).toEqual(expect.arrayContaining(['compare.json', 'none/run.json', 'none/checkpoint', 'l1_1e-4/epoch-001.png']));
    expect(left).toEqual([]);
    // Only proof lines were appended: every file as it was, each manifest ending with a proof of what it lists.
    const lines = readFileSync(join(dir, 'none', MARKER_FILE), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ name: 'epoch-001.png', size: 'none epoch-001.png'.length });
    expect(lines.filter((l) => l.includes('"tree"'))).toHaveLength(1);
    expect(tree(dir)).toEqual({
      ...before,
      [`${MARKER_FILE}`]: expect.any(String),
      [`none/${MARKER_FILE}`]: expect.any(String),
      [`l1_1e-4/${MARKER_FILE}`]: expect.any(String),
    });
    expect(() => checkOverwrite(dir)).not.toThrow();
    // Nothing to adopt the second time: the folder left as it was, its modification time too (it was locked and unlocked).
    const adoptedTree = tree(dir);
    utimesSync(dir, 1e9, 1e9);
    expect(adoptOlderEntries(dir)).toEqual({ adopted: [], left: [] });
    expect(statSync(dir).mtimeMs).toBe(1e12);
    expect(tree(dir)).toEqual(adoptedTree);
    claimFolder(dir, { force: true }, 'comparison').release();
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });

  it('leaves what was changed since penx recorded it, and refuses a folder penx did not write (nothing recorded)', () => {
    const dir = join(root, 'changed');
    olderComparison(dir);
    adoptOlderEntries(dir);
    writeFileSync(join(dir, 'report.html'), '<html>mine');
    const manifest = readFileSync(join(dir, MARKER_FILE), 'utf8');
    expect(adoptOlderEntries(dir)).toEqual({ adopted: [], left: [{ path: 'report.html', why: 'its content is not what penalty-explorer wrote there' }] });
    expect(readFileSync(join(dir, MARKER_FILE), 'utf8')).toBe(manifest);
    const users = join(root, 'users');
    mkdirSync(users);
    writeFileSync(join(users, 'a.txt'), 'a');
    const theirs = tree(users);
    expect(() => adoptOlderEntries(users)).toThrow(FolderRefusedError);
    // Adopting writes into a folder of penx's (proof lines): the refusal says so, for an app's remedy.
    expect(() => adoptOlderEntries(users)).toThrow(expect.objectContaining({ intent: 'write' }));
    expect(tree(users)).toEqual(theirs);
  });
});
