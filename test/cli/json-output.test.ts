/**
 * The scripting contract of `--json`: stdout holds exactly one JSON document, whatever else runs
 * (a user's module that prints while it is loaded or probed: its output goes to stderr).
 */
import { describe, expect, it } from 'vitest';
import { penx } from './run-penx.ts';

describe('--json: one JSON document on stdout', () => {
  it('penx penalties --json with a module that prints on stdout: the prints go to stderr, stdout parses', async () => {
    const r = await penx('penalties', '--json', './test/fixtures/penalties/prints.ts:1e-4', 'l1:1e-4');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/prints\.ts: (imported|written|called)/);
    expect(JSON.parse(r.stdout)).toEqual([
      { input: './test/fixtures/penalties/prints.ts:1e-4', spec: 'prints:1e-4', formula: 'λ·Σ w²', from: './test/fixtures/penalties/prints.ts' },
      { input: 'l1:1e-4', spec: 'l1:1e-4', formula: 'λ·Σ|w|' },
    ]);
    expect(r.stderr).toMatch(/^prints\.ts: imported$/m);
    expect(r.stderr).toMatch(/^prints\.ts: written$/m);
  });
});
