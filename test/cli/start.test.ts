/**
 * `penx start` (what `npm start` runs) as a new user sees its first lines: the plan, the backend, the
 * training — killed once training has begun (its runs take minutes; what is tested is said by then), in a
 * folder of the OS's so the repository's `figures/runs/quickstart` is never touched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../wait.ts';
import { spawnInGroup } from './process-group.ts';
import { stopped } from './run-penx.ts';

const cwd = mkdtempSync(join(tmpdir(), 'penx-start-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('penx start', () => {
  it('says which backend it uses, and prints no TF.js advert for tfjs-node (it checked its penalties on a cpu backend never used quietly)', async () => {
    const child = spawnInGroup(process.execPath, [resolve('mnist-demo/dist/cli.mjs'), 'start', '--threads', '1'], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await until(() => /^training 6 runs /m.test(stderr), 120_000, 'penx start to begin training');
    } finally {
      await stopped(child);
    }
    expect(stderr).toMatch(/^backend: \w+/m);
    expect(stderr).not.toContain('looks like you are running TensorFlow.js in Node.js');
  }, 180_000);
});
