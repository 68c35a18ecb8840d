/**
 * A sweep's run is checked in its child process before the child's backend starts, as `penx train`
 * checks a run: a run to resume whose record has other user monitors (the module given by the same
 * path now exports a monitor of another name, so the sweep's settings agree) is refused naming both
 * lists, with no backend line from the child and the run folder untouched.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { penxWith, TINY } from '../cli/run-penx.ts';
import { tree } from '../cli/tree.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-sweep-child-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const monitor = join(root, 'm.ts');
const named = (name: string) => writeFileSync(monitor, `export default { name: '${name}', onEpochEnd: () => 1 };\n`);
const out = join(root, 'runs');
const RUN = 'l1_1e-4_seed=42';
const ARGS = ['sweep', '--penalties', 'l1', '--strengths', '1e-4', ...TINY, '--epochs', '2', '--monitor', monitor, '--out', out, '--name', 's'];

describe('a sweep child checks its run before its backend starts', () => {
  it('a resume with other monitors: refused naming both lists, no backend line, the run folder untouched', async () => {
    named('first');
    // Killed (as a crash would) as it writes epoch 1's run.json: its checkpoint holds epoch 1, a run to resume.
    const killed = await penxWith({ env: { PENX_KILL_AT: `rename|${RUN}/run.json|2` }, nodeArgs: ['--import', resolve('test/fixtures/kill-at.mjs')] }, ...ARGS);
    expect(killed.code, killed.stderr).toBe(1);
    expect(killed.stderr).toMatch(/killed \(SIGKILL\)/);
    const dir = join(out, 's', RUN);
    const before = tree(dir);
    expect(Object.keys(before)).toContain('checkpoint/run.json');
    named('second');
    const r = await penxWith({}, ...ARGS);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`cannot resume ${dir}: its list of monitors is "first", this run's is "second"`);
    // The child said nothing of a backend (it started one, then compared).
    expect(r.stderr).not.toMatch(/\] backend: |gradients: /);
    expect(tree(dir)).toEqual(before);
  }, 180_000);
});
