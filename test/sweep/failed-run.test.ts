/**
 * A local sweep with a run whose penalty throws in training: that run is reported failed (on
 * stderr, in the table and in report.html, with why), the other finishes, the exit code is 1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { penx, TINY } from '../cli/run-penx.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-sweep-failed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('penx sweep with a failing run', () => {
  it('shows the run failed with why (not "not started"), finishes the others, exits 1', async () => {
    const grid = ['--penalties', 'l1,./test/fixtures/penalties/throws-in-training.ts', '--strengths', '1e-4', '--seeds', '1'];
    const r = await penx('sweep', ...grid, ...TINY, '--epochs', '1', '--jobs', '1', '--out', root, '--name', 'f');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('[throwsintraining_1e-4_seed=1] failed: ');
    // The table's state column: run, state, test acc, |w|<1e-3.
    const states = Object.fromEntries(
      r.stdout.split('\n').map((l) =>
        l
          .trim()
          .split(/\s{2,}/)
          .slice(0, 2),
      ),
    );
    expect(states['l1_1e-4_seed=1']).toBe('done');
    expect(states['throwsintraining_1e-4_seed=1']).toBe('failed');
    const html = readFileSync(join(root, 'f', 'report.html'), 'utf8');
    expect(html).toContain('1 done, 0 under way, 1 failed, 0 not started');
    expect(html).toMatch(/failed: penalty throwsintraining:1e-4 \(from [^)]*\) threw: boom on a real kernel/);
  }, 120_000);
});
