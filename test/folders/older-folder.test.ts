/**
 * A folder an older penx wrote (before manifests held proofs), as an upgrading user has `npm
 * start`'s figures/runs/quickstart: `--force` (and `penx start`, which always forces) cannot prove a
 * file still holds what penx wrote and deletes none. It is refused with one message naming the
 * folder to move, nothing touched (`test/cli/folder-hints.test.ts`: what `penx start` prints).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkClaim, claimFolder, FolderRefusedError } from '../../src/node.ts';
import { tree } from '../cli/tree.ts';
import { olderComparison } from '../fixtures/older-penx-folder.ts';

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
