/**
 * Before each test file whose imports can load TF.js: TF.js on its quiet `cpu` backend, as `selectBackend('cpu')`
 * leaves it, without importing the whole library; a test that needs another backend, or `selectBackend`'s own state,
 * calls it. A file whose imports never load TF.js (most that only spawn `penx`) runs without this file
 * (vitest.config.ts, test/loads-tf.ts): loading TF.js here would cost it ~0.15 s of CPU for nothing.
 */
import { silenceCpuAdvert } from '../src/backends/advert.ts';
import { tf } from '../src/tf.ts';

silenceCpuAdvert();
await tf.setBackend('cpu');
