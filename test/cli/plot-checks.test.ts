/**
 * `penx plot`'s check before it draws (in this process, no `penx` subprocess): exactly the files the
 * drawing writes are judged — one there that penx cannot prove it wrote refuses the plot before
 * anything is drawn, listed or not; a user's edit of a file the plot does not write is left alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plot } from '../../mnist-demo/cli/actions/plot.ts';
import { claimFolder, IOError, writeFileAtomic, writeRunJson } from '../../src/node.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';
import { tree } from './tree.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-plot-checks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run folder as penx leaves one: run.json, and a file penx wrote that the redraw does not write (as an older layout's figure). */
async function runFolder(name: string): Promise<string> {
  const dir = join(root, name);
  const claimed = claimFolder(dir, {}, 'run');
  await writeRunJson(dir, makeRunRecord({ epochs: 1, layers: ['dense_2'] }));
  await writeFileAtomic(join(dir, 'old-figure.svg'), '<svg>penx</svg>');
  claimed.release();
  return dir;
}

describe('penx plot checks what it writes, and only that', () => {
  it('a user’s edit of a file plot never writes passes; a user’s file under a name the drawing writes (unlisted) refuses it before anything is drawn', async () => {
    const edited = await runFolder('edited');
    writeFileSync(join(edited, 'old-figure.svg'), '<svg>my edit</svg>');
    const users = await runFolder('users');
    writeFileSync(join(users, 'heatmap.svg'), '<svg>mine</svg>');
    const before = [tree(edited), tree(users)];
    // Every folder is judged before the first is drawn: the refusal names only the second's file,
    // so the first passed its check (a refusal drawing nothing keeps this test cheap).
    await expect(plot([edited, users])).rejects.toThrow(IOError);
    await expect(plot([edited, users])).rejects.toThrow(
      new RegExp(
        `^refusing to write over ${join(users, 'heatmap.svg')} \\(not in the manifest: penalty-explorer did not write it\\): penalty-explorer writes over only what it can prove it wrote; nothing was touched`,
      ),
    );
    expect([tree(edited), tree(users)]).toEqual(before);
  });
});
