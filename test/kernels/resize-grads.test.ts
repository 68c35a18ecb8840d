/**
 * The gradients of both resizes, exact on every backend the library trains on.
 *
 * The GPU backends in real headless Chromium (SwiftShader's WebGL 2 and WebGPU), one page load:
 * each case's forward and gradient on webgl, then on webgpu, against the exact ones (which the
 * page derives from the cpu backend's forward alone: test/fixtures/resize-grads-page.ts), and
 * nothing left on the GPU. Nearest neighbour and bilinear, each with no flag, alignCorners and
 * halfPixelCenters, over inputs of 1 to 6 pixels a side resized to 1 to 9 (up, down, unchanged,
 * from and to one pixel, a square), batch 2, depth 1 to 3. TF.js 4.22's stock gradients fail 14
 * of the 20 flagged cases on each: all 10 with halfPixelCenters (ignored), and the 4 with
 * alignCorners from a side of one pixel (webgl's shader does not compile, webgpu's gradient is
 * wrong).
 *
 * In Node: the replacement's arithmetic (dx = Rᵀ·dy·C) on the cpu backend's kernels, every case
 * with and without flags (it runs where Chromium is missing); and the cpu, onnxruntime and wasm
 * backends' gradients of both resizes, every case. TF.js 4.22's stock cpu bilinear gradient
 * (onnxruntime copies cpu's kernels) throws for the 12 cases whose input is not square (dx's
 * height and width swapped in its shape), and gets the square one with halfPixelCenters wrong;
 * wasm's gets the 5 with halfPixelCenters wrong.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/backends/select.ts';
import { bilinearWeights, nearestWeights, separableResizeGrad } from '../../src/kernels/resize-grads.ts';
import { tf } from '../../src/tf.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from '../chromium.ts';
import { exactResize, maxError, type ResizeCase, type ResizeResult } from '../fixtures/resize-grads-page.ts';

if (!hasChromium && process.env.PENX_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and PENX_REQUIRE_CHROMIUM is set`);

/** Input [batch, height, width, depth] → [height, width]: up, down, unchanged, from and to one pixel, 2 → 3 (alignCorners' tie at ½), a square. */
const SHAPES: Pick<ResizeCase, 'inShape' | 'size'>[] = [
  { inShape: [2, 1, 6, 1], size: [2, 8] },
  { inShape: [2, 4, 2, 3], size: [1, 3] },
  { inShape: [2, 5, 3, 1], size: [7, 3] },
  { inShape: [2, 6, 1, 3], size: [4, 5] },
  { inShape: [2, 3, 3, 2], size: [5, 5] },
];
const FLAGS = [
  ['no flag', false, false],
  ['alignCorners', true, false],
  ['halfPixelCenters', false, true],
] as const;
const CASES: ResizeCase[] = (['nearest', 'bilinear'] as const).flatMap((op) =>
  FLAGS.flatMap(([, alignCorners, halfPixelCenters]) => SHAPES.map((shape) => ({ op, ...shape, alignCorners, halfPixelCenters }))),
);
const label = (c: ResizeCase): string =>
  `${c.op} ${c.inShape.slice(1, 3).join('×')} → ${c.size.join('×')}, depth ${c.inShape[3]}, ${FLAGS.find(([, a, h]) => a === c.alignCorners && h === c.halfPixelCenters)?.[0]}`;

const GPU_BACKENDS = ['webgl', 'webgpu'] as const;
type Outcome = { backend: string; results: ResizeResult[] };

let browser: Browser | undefined;
let server: Server | undefined;
const outcomes = new Map<string, Outcome>();

/** Serves the page and its script on 127.0.0.1 (WebGPU wants a secure context, which about:blank is not). */
async function servePage(script: string): Promise<string> {
  server = createServer((request, response) => {
    if (request.url === '/page.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/page.js"></script>');
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

beforeAll(async () => {
  if (!hasChromium) return;
  const page = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'resize-grads-page.ts');
  const bundle = await build({ entryPoints: [page], bundle: true, write: false, format: 'iife', platform: 'browser', logLevel: 'error' });
  const url = await servePage(bundle.outputFiles[0]?.text ?? '');
  // SwiftShader's WebGL and WebGPU, which Chromium gives only when asked for.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'] });
  const tab = await browser.newPage();
  await tab.goto(url);
  for (const name of GPU_BACKENDS)
    outcomes.set(
      name,
      await tab.evaluate(([n, cases]) => (globalThis as unknown as { resizeCases(b: string, c: ResizeCase[]): Promise<Outcome> }).resizeCases(n, cases), [
        name,
        CASES,
      ] as const),
    );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe.skipIf(!hasChromium).each(GPU_BACKENDS)('resizing on %s in headless Chromium', (name) => {
  it(`runs on the ${name} backend`, () => {
    expect(outcomes.get(name)?.backend).toBe(name);
  });

  it.each(CASES.map((c, i) => [label(c), c, i] as const))('%s: the forward and its gradient are exact', (_label, c, i) => {
    const r = outcomes.get(name)?.results[i];
    // Nearest's values are whole numbers copied and added: exact. Bilinear's are float32 sums of a few terms.
    const tolerance = c.op === 'nearest' ? 0 : 1e-4;
    expect(r?.forward).toBeLessThanOrEqual(tolerance);
    expect(r?.gradient, String(r?.dx)).toBeLessThanOrEqual(tolerance);
    // Every intermediate of both passes (the replacement's weights and products too) freed.
    expect(r?.leaked).toBe(0);
  });
});

describe('the replacement gradient on the cpu backend’s kernels (Node)', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s: the forward’s adjoint', async (_label, c) => {
    await tf.setBackend('cpu');
    const { dy, dx } = exactResize(c);
    const backend = tf.backend();
    const kernel = separableResizeGrad('cpu', c.op === 'nearest' ? nearestWeights : bilinearWeights, undefined);
    const images = tf.zeros(c.inShape);
    const dys = tf.tensor4d(dy, [c.inShape[0], ...c.size, c.inShape[3]]);
    const before = backend.numDataIds();
    const out = kernel({
      inputs: { images, dy: dys },
      backend,
      attrs: { alignCorners: c.alignCorners, halfPixelCenters: c.halfPixelCenters },
    }) as tf.TensorInfo;
    expect(out.shape).toEqual(c.inShape);
    expect(maxError(backend.readSync(out.dataId) as Float32Array, dx)).toBeLessThanOrEqual(c.op === 'nearest' ? 0 : 1e-5);
    backend.disposeData(out.dataId);
    // Its weights and intermediate products freed.
    expect(backend.numDataIds()).toBe(before);
    tf.dispose([images, dys]);
  });
});

describe.each(['cpu', 'onnxruntime', 'wasm'])('the gradients of both resizes on %s (Node)', (name) => {
  beforeAll(async () => {
    if (name !== 'cpu') await selectBackend(name as 'onnxruntime' | 'wasm', { threads: 1 });
  });

  it.each(CASES.map((c) => [label(c), c] as const))('%s: the forward’s adjoint', async (_label, c) => {
    await tf.setBackend('cpu');
    const { x, dy, dx } = exactResize(c);
    await tf.setBackend(name);
    const got = tf.tidy(() =>
      tf
        .grad((t: tf.Tensor) =>
          c.op === 'nearest'
            ? tf.image.resizeNearestNeighbor(t as tf.Tensor4D, c.size, c.alignCorners, c.halfPixelCenters)
            : tf.image.resizeBilinear(t as tf.Tensor4D, c.size, c.alignCorners, c.halfPixelCenters),
        )(tf.tensor4d(x, c.inShape), tf.tensor4d(dy, [c.inShape[0], ...c.size, c.inShape[3]]))
        .dataSync(),
    );
    expect(maxError(got, dx)).toBeLessThanOrEqual(c.op === 'nearest' ? 0 : 1e-5);
  });
});
