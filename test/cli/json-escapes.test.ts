/**
 * Every `--json` document is printed by json.ts (`printJson`, `withJson`): a record's control and
 * bidirectional characters (a folder's name, a run's, a failure's reason) as JSON's own escapes —
 * nothing on the terminal moved, erased or reordered — and it reads back the same. The documents
 * printed while a server goes on (`penx serve`, `penx playground`: `{ url, dir }`) are one line.
 * `penx sweep --queue … --status --json`: test/sweep/queue-status.test.ts.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { listenPlayground, printPlaygroundAddress } from '../../mnist-demo/cli/actions/playground.ts';
import { listenDashboard, printDashboardAddress } from '../../mnist-demo/cli/actions/serve.ts';
import { jsonText } from '../../mnist-demo/cli/json.ts';

/** A name with an escape sequence (erase the line), a right-to-left override and a C1 control. */
const HOSTILE = 'runs\u001b[2K\u202egnp.exe\u0085';
const root = mkdtempSync(join(tmpdir(), 'penx-json-escapes-'));

afterEach(() => vi.restoreAllMocks());
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What `start` printed on stdout (console.log), and what it started. */
async function printed<T>(start: () => Promise<T>): Promise<{ out: string; started: T }> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  const started = await start();
  return { out: lines.join('\n'), started };
}

/** The text holds no control character (but the line end) and no bidirectional control. */
const clean = (text: string) => expect(text).not.toMatch(/[^\P{Cc}\n]|\p{Bidi_Control}/u);

describe('--json documents: escaped as printable escapes them, read back the same', () => {
  it('jsonText: the escapes are JSON’s own, the indentation as asked', () => {
    const value = { run: HOSTILE, n: [1, 2] };
    for (const indent of [0, 1, 2]) {
      const text = jsonText(value, indent);
      clean(text);
      expect(JSON.parse(text)).toEqual(value);
      expect(text.split('\n')).toHaveLength(indent === 0 ? 1 : 7);
    }
    expect(jsonText({ run: 'l1\u202egnp' }, 0)).toBe('{"run":"l1\\u202egnp"}');
  });

  it('penx serve --json: { url, dir } on one line, the folder’s name escaped', async () => {
    const dir = join(root, HOSTILE);
    mkdirSync(dir);
    const flags = { port: '0', json: true };
    const { out, started } = await printed(async () => {
      const dashboard = await listenDashboard(dir, flags);
      printDashboardAddress(dashboard, dir, flags);
      return dashboard;
    });
    await started.close();
    clean(out);
    expect(out).toContain('runs\\u001b[2K\\u202egnp.exe\\u0085');
    expect(out.split('\n')).toHaveLength(1);
    expect(JSON.parse(out)).toEqual({ url: started.url, dir });
  });

  it('penx playground --json: { url, dir } on one line, the folder’s name escaped', async () => {
    const dir = join(root, `${HOSTILE}-playground`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>playground</title>');
    const flags = { port: '0', json: true };
    const { out, started } = await printed(async () => {
      const site = await listenPlayground(flags, dir);
      printPlaygroundAddress(site, dir, flags);
      return site;
    });
    await started.close();
    clean(out);
    expect(out.split('\n')).toHaveLength(1);
    expect(JSON.parse(out)).toEqual({ url: started.url, dir });
  });

  it('no command prints a JSON document of its own (bench, sweep --status, serve, playground, summary did)', () => {
    const cli = join(import.meta.dirname, '../../mnist-demo/cli');
    const files = (readdirSync(cli, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && statSync(join(cli, f)).isFile());
    expect(files).toContain('actions/bench.ts');
    const own = files.flatMap((f) => {
      const source = readFileSync(join(cli, f), 'utf8');
      // A print to stdout of JSON.stringify's text, whatever else the statement holds.
      return [...source.matchAll(/(console\.log|stdout\.write)\((?:(?!;\n)[\s\S])*?JSON\.stringify/g)].map((m) => `${f}: ${m[0].split('\n')[0]}`);
    });
    expect(own).toEqual([]);
  });
});
