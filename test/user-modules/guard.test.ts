/**
 * The guard (src/user-modules/guard.ts) with SIGINT held for a run (`holdSigint`): a SIGINT is never
 * lost, whenever it comes — before a guarded call that starts before the event loop turns (dropped
 * before: `vm` took the listeners off for the call), during one, or while the thread waits.
 * Ctrl-C on the command line: test/cli/interrupt.test.ts.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** What the fixture saw, run in a process of its own (it signals itself). */
function run(fixture: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

describe('SIGINT held for a run', () => {
  it('one arriving in an unguarded stretch interrupts the next guarded call at its start; one during a call interrupts it; one between calls is polled; released, the listeners hear it', async () => {
    const r = await run('test/fixtures/signals/sigint-between-calls.ts');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      // 1. The call never ran (the run stops before its next batch); before, the signal was lost and it ran.
      'interrupted',
      'next: InterruptedError',
      // 2.
      'during ran',
      'interrupted',
      'during: InterruptedError',
      // 3. The run's stop asked (Interrupts.onSignal).
      'poll',
      // 4.
      'listener',
    ]);
  }, 90_000);
});
