/**
 * `penx serve` and `penx playground` stop on Ctrl-C (or SIGTERM) at every moment once they print their
 * address, with exit code 0: a signal sent in the very write of the address (the fixture
 * signal-at-address.mjs) was lost — the command took the process's listeners off to put its own on,
 * dropping the signal queued for them — and it served on (or, in the instant between, was killed by
 * it). Each command is bounded to 30 s: one still serving then ends killed (137).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { penxWith } from '../cli/run-penx.ts';

const base = mkdtempSync(join(tmpdir(), 'penx-stop-at-address-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const PRELOAD = ['--import', resolve('test/fixtures/signal-at-address.mjs')];

/** `penx ARGS` sent `signal` as it prints its address: its exit code and stdout. */
async function signalledAtAddress(signal: 'SIGINT' | 'SIGTERM', ...args: string[]) {
  const run = await penxWith({ nodeArgs: PRELOAD, env: { PENX_SIGNAL_AT_ADDRESS: signal }, timeoutMs: 30_000 }, ...args);
  return { code: run.code, stdout: run.stdout, stderr: run.stderr };
}

describe('a signal as soon as the address is printed ends serving (exit 0)', () => {
  it('penx serve: Ctrl-C, SIGTERM, and with --json', async () => {
    const dir = join(base, 'runs');
    const ctrlC = await signalledAtAddress('SIGINT', 'serve', dir, '--port', '0');
    expect([ctrlC.code, ctrlC.stderr]).toEqual([
      0,
      `waiting for a run in ${dir}: the dashboard shows it once penx writes one there (its folder's marker, then its first run.json)\n`,
    ]);
    expect(ctrlC.stdout).toMatch(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/ \(.*; Ctrl-C to stop\)\n$/);
    const term = await signalledAtAddress('SIGTERM', 'serve', dir, '--port', '0');
    expect(term.code).toBe(0);
    const json = await signalledAtAddress('SIGINT', 'serve', dir, '--port', '0', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/), dir });
  }, 200_000);

  it('penx playground: Ctrl-C', async () => {
    const ctrlC = await signalledAtAddress('SIGINT', 'playground', '--port', '0');
    expect([ctrlC.code, ctrlC.stderr]).toEqual([0, '']);
    expect(ctrlC.stdout).toMatch(/^playground: http:\/\/127\.0\.0\.1:\d+\/ \(Ctrl-C to stop\)/);
  }, 100_000);
});
