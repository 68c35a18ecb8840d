/**
 * A run folder whose run.json is a FIFO (someone handed it over, or made it): reading it would
 * block until something writes to it — for ever. `penx plot`, `penx summary` and `penx prune` say
 * so and exit 2 (they hung, and SIGTERM could not stop them); `penx serve` keeps answering and
 * names it among the skipped runs (the whole server hung on its first listing).
 * A command that hangs is killed (timeoutMs) and fails its test; afterAll opens the FIFO for
 * writing and closes it, so a reader the old code left blocked ends.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markFolder } from '../../src/folders/index.ts';
import { penxWith, spawnPenxPiped, stopped } from './run-penx.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-fifo-'));
const run = join(root, 'runs', 'fifo');
const fifo = join(run, 'run.json');
let serve: ReturnType<typeof spawnPenxPiped> | undefined;

/** Every path under the root (reading none of them: one is the FIFO). */
const listing = () => readdirSync(root, { recursive: true }).map(String).sort();

beforeAll(() => {
  mkdirSync(run, { recursive: true });
  markFolder(run, 'run');
  execFileSync('mkfifo', [fifo]);
});

afterAll(async () => {
  if (serve) await stopped(serve.child);
  // Unblock a reader left waiting on the FIFO (a writer that opens and closes it: end of file).
  closeSync(openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK));
  rmSync(root, { recursive: true, force: true });
});

describe('a run.json that is a FIFO', () => {
  it('penx plot, summary and prune: exit 2 naming it, nothing written', async () => {
    const before = listing();
    for (const args of [
      ['plot', run],
      ['summary', run],
      ['prune', run, '--out', join(root, 'pruned')],
    ]) {
      const r = await penxWith({ timeoutMs: 30_000 }, ...args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`${fifo} is a FIFO, not a regular file`);
    }
    expect(listing()).toEqual(before);
  });

  it('penx serve: answers, and lists it as skipped', async () => {
    serve = spawnPenxPiped('serve', join(root, 'runs'), '--port', '0');
    const url = await new Promise<string>((resolve, reject) => {
      serve?.child.stdout?.on('data', () => {
        const m = /dashboard: (http:\/\/\S+)/.exec(serve?.stdout() ?? '');
        if (m) resolve(m[1] as string);
      });
      serve?.exited.then((code) => reject(new Error(`penx serve exited with ${code}: ${serve?.stderr()}`)));
    });
    const body = (await (await fetch(`${url}api/runs`)).json()) as { runs: unknown[]; skipped: Array<{ id: string; reason: string }> };
    expect(body.runs).toEqual([]);
    expect(body.skipped).toEqual([{ id: 'fifo', path: 'fifo/run.json', reason: expect.stringContaining('is a FIFO, not a regular file') }]);
  });
});
