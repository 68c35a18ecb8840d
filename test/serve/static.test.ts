/**
 * serveStatic (what `penx playground` serves the page with): the dashboard's rules over a folder
 * of files — loopback only, answering only to its own address, GET only, nothing outside the folder
 * (`..`, encoded or not; a symbolic link out), no dot files, `/` as index.html, the policy given on
 * every answer, and cross-origin isolation when asked.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type Listening, serveDashboard, serveStatic, UsageError } from '../../src/node.ts';

const dir = mkdtempSync(join(tmpdir(), 'penx-static-'));
let site: Listening;

function raw(
  path: string,
  options: { host?: string; method?: string; at?: Listening } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const u = new URL((options.at ?? site).url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method: options.method ?? 'GET', headers: options.host ? { host: options.host } : {} },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += String(d)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, '.secret'), 'hidden');
  symlinkSync('/etc', join(dir, 'outside'));
  site = await serveStatic({ dir, port: 0, csp: "default-src 'self'" });
});

afterAll(async () => {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serveStatic', () => {
  it('serves the folder on loopback, / as index.html, with the policy and no caching', async () => {
    expect(new URL(site.url).hostname).toBe('127.0.0.1');
    const index = await raw('/');
    expect([index.status, index.body]).toEqual([200, '<!doctype html><title>page</title>']);
    expect(index.headers['content-security-policy']).toBe("default-src 'self'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['cache-control']).toBe('no-store');
    const js = await raw('/app.js');
    expect([js.status, js.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await raw('/missing.js')).status).toBe(404);
  });

  it('refuses every way out of the folder, dot files, other hosts and other methods', async () => {
    for (const path of ['/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/x%2f..%2f..%2fetc%2fpasswd', '/outside/passwd', '/..%5c..%5cetc']) {
      const r = await raw(path);
      expect(r.status, path).toBe(403);
      expect(r.body, path).not.toContain('root:');
    }
    expect((await raw('/.secret')).status).toBe(403);
    expect((await raw('/', { host: 'evil.example:80' })).status).toBe(403);
    expect((await raw('/', { method: 'POST' })).status).toBe(405);
  });

  it('on any loopback address (127.0.0.2) answers to its own address and refuses other hosts (no DNS rebinding)', async () => {
    const other = await serveStatic({ dir, host: '127.0.0.2', port: 0, csp: "default-src 'self'" });
    try {
      const own = new URL(other.url).host;
      expect(own).toMatch(/^127\.0\.0\.2:\d+$/);
      expect((await raw('/', { at: other, host: own })).status).toBe(200);
      expect((await raw('/', { at: other, host: `evil.example:${new URL(other.url).port}` })).status).toBe(403);
    } finally {
      await other.close();
    }
  });

  it('refuses an empty host as serveDashboard does (Node would listen on every address, and the Host check would go)', async () => {
    // What each start gave: the error, or that it listened (then closed again).
    const outcome = (start: Promise<Listening>) =>
      start.then(
        async (s) => {
          await s.close();
          return `listened at ${s.url}`;
        },
        (err: unknown) => err,
      );
    const empty = [
      await outcome(serveStatic({ dir, host: '', port: 0, csp: "default-src 'self'" })),
      await outcome(serveDashboard({ dir, host: '', port: 0 })),
    ];
    for (const err of empty) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toBe(
        "the host to listen on is empty (''), which Node reads as every address; give one, e.g. 127.0.0.1 (this machine only), or none (127.0.0.1)",
      );
      expect((err as Error).message).not.toContain('--');
    }
    // No host at all: loopback, both (closed also when a check fails).
    const plain = await serveStatic({ dir, port: 0, csp: "default-src 'self'" });
    onTestFinished(() => plain.close());
    const dashboard = await serveDashboard({ dir, port: 0 });
    onTestFinished(() => dashboard.close());
    for (const s of [plain, dashboard]) expect(new URL(s.url).hostname).toBe('127.0.0.1');
  });

  it('isolates the page across origins only when asked, on every answer (files and refusals)', async () => {
    expect((await raw('/')).headers['cross-origin-embedder-policy']).toBeUndefined();
    const isolated = await serveStatic({ dir, port: 0, csp: "default-src 'self'", isolated: true });
    try {
      for (const path of ['/', '/app.js', '/missing.js', '/.secret']) {
        const r = await new Promise<Record<string, unknown>>((resolve, reject) =>
          request(new URL(path, isolated.url), (res) => {
            res.resume();
            res.on('end', () => resolve(res.headers));
          })
            .on('error', reject)
            .end(),
        );
        expect([r['cross-origin-opener-policy'], r['cross-origin-embedder-policy']], path).toEqual(['same-origin', 'require-corp']);
      }
    } finally {
      await isolated.close();
    }
  });
});
