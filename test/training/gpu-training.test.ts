/**
 * The library's training path on WebGL (SwiftShader's, in Debian's headless Chromium) gives what it
 * gives on cpu, one page load (test/fixtures/gpu-training-page.ts): the playground's reference CNN
 * (on 12×12 images, so it takes seconds) with `l1:1e-4` and `maxnorm:m=2` on every kernel, from
 * the same weights and batches, in float32 (measured: gradients ≤ 1.5e-6 of each weight's largest,
 * losses ≤ 1e-8 relative, the record's numbers ≤ 4e-5):
 *
 *   the gradients of one batch, its data loss and Σ λ·penalty      (localGradients, as trainStep)
 *   one trainStep: adam, then maxnorm: the weights after, the shares projected
 *   one epoch of fit on 4 batches: every number of its run record
 *
 * WebGPU does not train here: on SwiftShader's WebGPU, TF.js 4.22's dataSync (a readback through a
 * canvas) reads zeros while `await data()` is right, and the library reads its scores, penalties
 * and weights synchronously; its `fit` refuses the backend (ReadBackError: its read-back probe,
 * src/kernels/read-back.ts) rather than record zeros, and on webgl the probe passes. Nor TF.js's own model.fit: its optimisers take ε from the backend, 1e-4 on this WebGL
 * (it reports 16-bit render precision) against cpu's 1e-7, so tf.train.adam's steps differ (the
 * library's optimisers fix ε).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from '../chromium.ts';
import type { Refusal, TrainingOutcome } from '../fixtures/gpu-training-page.ts';

if (!hasChromium && process.env.PENX_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and PENX_REQUIRE_CHROMIUM is set`);

const here = dirname(fileURLToPath(import.meta.url));
let browser: Browser | undefined;
let server: Server | undefined;
let outcome: TrainingOutcome | undefined;
const refusals = new Map<string, Refusal>();

beforeAll(async () => {
  if (!hasChromium) return;
  const bundle = await build({
    entryPoints: [join(here, '..', 'fixtures', 'gpu-training-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    logLevel: 'error',
    // mnist-demo/model.ts imports the package: the library's source, one copy with the page's.
    alias: { 'penalty-explorer': join(here, '..', '..', 'src', 'index.ts') },
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  server = createServer((request, response) => {
    if (request.url === '/page.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/page.js"></script>');
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'] });
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  outcome = await tab.evaluate(() => (globalThis as unknown as { trainingCase(b: string): Promise<TrainingOutcome> }).trainingCase('webgl'));
  // WebGPU last: its SwiftShader device is lost soon after it is used.
  for (const name of ['webgl', 'webgpu'])
    refusals.set(name, await tab.evaluate((n) => (globalThis as unknown as { refusal(b: string): Promise<Refusal> }).refusal(n), name));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe.skipIf(!hasChromium)('training on webgl in headless Chromium, against cpu', () => {
  it('runs on the webgl backend', () => {
    expect(outcome?.backend).toBe('webgl');
  });

  it('one batch: every weight’s gradient, the data loss and the penalty', () => {
    const grads = Object.entries(outcome?.gradients ?? {});
    expect(grads.map(([k]) => k)).toContain('conv2d_1/kernel');
    expect(grads).toHaveLength(10);
    for (const [name, d] of grads) expect(d, name).toBeLessThanOrEqual(1e-5);
    for (const [name, d] of Object.entries(outcome?.losses ?? {})) expect(d, name).toBeLessThanOrEqual(1e-6);
  });

  it('one trainStep: the weights after adam and maxnorm, and the shares projected', () => {
    // A bias after one adam step is ±lr (1e-3), its float32 rounding ~3e-5 of it.
    for (const [name, d] of Object.entries(outcome?.updated ?? {})) expect(d, name).toBeLessThanOrEqual(1e-4);
    const projected = Object.entries(outcome?.projected ?? {});
    // The initial weights are over the bound on some layers: the constraint had work to do.
    expect(projected.some(([, [, cpu]]) => cpu > 0)).toBe(true);
    for (const [name, [here, cpu]] of projected) expect(here, name).toBe(cpu);
  });

  it('one epoch of fit: every number of its run record', () => {
    const d = outcome?.fitRecord;
    expect(d?.numbers).toBeGreaterThan(1000);
    expect(d?.max, d?.at).toBeLessThanOrEqual(1e-4);
    // A weight on a histogram's bin edge may land in the next bin.
    expect(d?.counts, d?.countsAt).toBeLessThanOrEqual(1);
  });
});

describe.skipIf(!hasChromium)('the read-back check in headless Chromium', () => {
  it('webgl reads the probe back right: fit trains', () => {
    expect(refusals.get('webgl')).toEqual({ backend: 'webgl', problem: undefined, product: [7, 10, 15, 22], error: undefined });
  });

  it('webgpu (SwiftShader) reads zeros synchronously, the right values asynchronously: fit refuses it with a ReadBackError', () => {
    const r = refusals.get('webgpu');
    expect(r?.backend).toBe('webgpu');
    expect(r?.product).toEqual([7, 10, 15, 22]);
    expect(r?.problem).toBe('its synchronous read-back returned wrong values (0 for 7, 0 for 10, 0 for 15 and 6 more of 9)');
    expect(r?.error?.name).toBe('ReadBackError');
    expect(r?.error?.message).toMatch(
      /^backend webgpu cannot train or record here: its synchronous read-back returned wrong values \(0 for 7, .*\); the library reads losses, penalties, evaluation and weights synchronously .*use another backend, e\.g\. tf\.setBackend\('webgl'\)/,
    );
  });
});
