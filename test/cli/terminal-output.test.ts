/**
 * What `penx plot` prints of a record (a run record file someone handed over): its run name with
 * every control character written as an escape, so a name holding terminal escapes (erase the
 * line, set the title) prints as text and the terminal acts on none of it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';
import { penx } from './run-penx.ts';

const dir = mkdtempSync(join(tmpdir(), 'penx-terminal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a record's strings on the terminal", () => {
  it('penx plot of a run record file prints its name with escapes, not control characters', async () => {
    const run = makeRunRecord({ epochs: 1, penalty: 'l1:1e-4' });
    const name = 'x\u001b[2K\u001b[1Gfake\u001b]0;title\u0007';
    const file = join(dir, 'run.json');
    writeFileSync(file, JSON.stringify({ ...run, config: { ...run.config, name } }));
    const out = await penx('plot', file, '--out', join(dir, 'drawn'));
    expect(out.code, out.stderr).toBe(0);
    expect([...out.stdout, ...out.stderr].filter((c) => /\p{Cc}/u.test(c) && c !== '\n')).toEqual([]);
    expect(out.stdout).toContain('drew x\\u001b[2K\\u001b[1Gfake\\u001b]0;title\\u0007 into');
  });
});
