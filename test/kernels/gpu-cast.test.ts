/**
 * A cast made on one backend and read on another, in headless Chromium (SwiftShader's WebGL and
 * WebGPU, TF.js's wasm backend; the page: test/fixtures/cast-moves-page.ts). TF.js 4.22's webgl and
 * webgpu `Cast` to a wider type (bool → int32 or float32, int32 → float32) share the input's data,
 * and read it back under the input's dtype: moved to wasm, whose upload copies an array's bytes as
 * they are, a float32 1 became 1.4e-45 and a bool an int32 16777217, so labels made on webgl and
 * trained on wasm gave `fit` wrong losses and accuracy (the library replaces those kernels:
 * src/kernels/gpu-cast.ts; cpu's the same way: src/kernels/cpu-cast.ts,
 * test/kernels/cpu-cast.test.ts). Every direction between cpu, webgl and wasm is checked, and from
 * webgpu to each, for the casts that share and for those that convert.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from '../chromium.ts';
import { CASTS, type CastMove, MADE, READ, SIZES } from '../fixtures/cast-moves.ts';

if (!hasChromium && process.env.PENX_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and PENX_REQUIRE_CHROMIUM is set`);

const here = dirname(fileURLToPath(import.meta.url));
const wasmFiles = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
let browser: Browser | undefined;
let server: Server | undefined;
let moves: CastMove[] = [];
/** fit's [initial test loss, initial test accuracy, epoch 1's test loss], by where the labels were made › where it trained. */
const scores = new Map<string, (number | null)[]>();

beforeAll(async () => {
  if (!hasChromium) return;
  const bundle = await build({
    entryPoints: [join(here, '..', 'fixtures', 'cast-moves-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    logLevel: 'error',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  server = createServer((request, response) => {
    const url = request.url ?? '/';
    if (url === '/page.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (/^\/tfjs-backend-wasm[\w-]*\.wasm$/.test(url))
      response.writeHead(200, { 'content-type': 'application/wasm' }).end(readFileSync(join(wasmFiles, url.slice(1))));
    else response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/page.js"></script>');
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'] });
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  moves = await tab.evaluate(() => (globalThis as unknown as { castMoves(): Promise<CastMove[]> }).castMoves());
  for (const [labelsOn, trainOn] of [
    ['webgl', 'wasm'],
    ['wasm', 'wasm'],
    ['cpu', 'cpu'],
  ] as const)
    scores.set(
      `${labelsOn} › ${trainOn}`,
      await tab.evaluate(({ l, t }) => (globalThis as unknown as { fitScores(l: string, t: string): Promise<(number | null)[]> }).fitScores(l, t), {
        l: labelsOn,
        t: trainOn,
      }),
    );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe.skipIf(!hasChromium)('a cast made on one backend, read on another, in headless Chromium', () => {
  it('keeps its values in every direction between cpu, webgl and wasm, and from webgpu, for every cast', () => {
    expect(moves).toHaveLength((MADE.length * READ.length - READ.length) * CASTS.length * SIZES.length);
    expect(new Set(moves.map((m) => m.made))).toEqual(new Set(MADE));
    const wrong = moves.filter((m) => JSON.stringify(m.got) !== JSON.stringify(m.want));
    expect(wrong.map((m) => `${m.from} → ${m.to} (${m.size}) made on ${m.made}, read on ${m.read}: ${m.got.join(' ')}`)).toEqual([]);
    // Where it was made, the cast is right: [3, 0, -7, 1], > 0 as bool.
    for (const m of moves) expect(m.want, `${m.from} → ${m.to}`).toEqual(m.from === 'bool' ? [1, 0, 0, 1] : [3, 0, -7, 1]);
  });

  it('fit on wasm scores labels made on webgl as it scores them made on wasm, and as cpu does', () => {
    const [gl = [], wasm, cpu = []] = ['webgl › wasm', 'wasm › wasm', 'cpu › cpu'].map((k) => scores.get(k));
    expect(gl).toEqual(wasm);
    expect(gl).toHaveLength(3);
    for (const [i, v] of gl.entries()) expect(Math.abs((v ?? NaN) - (cpu[i] ?? NaN)), `score ${i}: ${v} against cpu's ${cpu[i]}`).toBeLessThanOrEqual(1e-5);
  });
});
