/**
 * What `penx plot` prints of a record (a run record file someone handed over): its run name with
 * every control character written as an escape, so a name holding terminal escapes (erase the
 * line, set the title) prints as text and the terminal acts on none of it; bidirectional controls
 * (which would show it reordered) likewise.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

  it('bidirectional controls are escaped too, in text and JSON: a name cannot show itself reordered (l1 RLO gnp.exe shown as l1exe.png)', async () => {
    const run = makeRunRecord({ epochs: 1, penalty: 'l1:1e-4' });
    const bidi = '\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';
    const escaped = [...bidi].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const name = `l1\u202egnp.exe${bidi}`;
    const folder = join(dir, 'bidi');
    mkdirSync(folder);
    const file = join(folder, 'run.json');
    writeFileSync(file, JSON.stringify({ ...run, config: { ...run.config, name, penalty: name } }));
    const isBidi = (c: string) => /\p{Bidi_Control}/u.test(c);
    const drawn = await penx('plot', file, '--out', join(dir, 'bidi-drawn'));
    expect(drawn.code, drawn.stderr).toBe(0);
    expect(drawn.stdout).toContain(`drew l1\\u202egnp.exe${escaped} into`);
    for (const args of [[], ['--json']]) {
      const out = await penx('summary', folder, ...args);
      expect(out.code, out.stderr).toBe(0);
      expect([...out.stdout, ...out.stderr].filter(isBidi), args.join(' ')).toEqual([]);
      expect(out.stdout).toContain(`l1\\u202egnp.exe${escaped}`);
    }
    // The escapes in JSON are JSON's own: the document reads back the record's text.
    const json = await penx('summary', folder, '--json');
    expect((JSON.parse(json.stdout) as { runs: Array<{ penalty: string }> }).runs[0]?.penalty).toBe(name);
  });

  it("plot --json (a document printed at the end, as train's, compare's and sweep's): the record's controls as JSON escapes", async () => {
    const run = makeRunRecord({ epochs: 1, penalty: 'l1:1e-4' });
    // A C1 control (CSI: JSON.stringify leaves it raw) and a right-to-left override.
    const name = 'x\u009b2Kfake\u202egnp';
    const file = join(dir, 'c1.json');
    writeFileSync(file, JSON.stringify({ ...run, config: { ...run.config, name, penalty: `l1:1e-4${name}` } }));
    const out = await penx('plot', file, '--out', join(dir, 'c1-drawn'), '--json');
    expect(out.code, out.stderr).toBe(0);
    expect([...out.stdout].filter((c) => (/\p{Cc}/u.test(c) && c !== '\n') || /\p{Bidi_Control}/u.test(c))).toEqual([]);
    expect(out.stdout).toContain('x\\u009b2Kfake\\u202egnp');
    expect(JSON.stringify(JSON.parse(out.stdout))).toContain(name);
  });
});
