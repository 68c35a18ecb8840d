/**
 * Before each test file: TF.js on its quiet `cpu` backend, as `selectBackend('cpu')` leaves it, without
 * importing the whole library (a file that spawns `penx` needs none of it; ~1 s a file); a test that
 * needs another backend, or `selectBackend`'s own state, calls it.
 */
import { silenceCpuAdvert } from '../src/backends/advert.ts';
import { tf } from '../src/tf.ts';

silenceCpuAdvert();
await tf.setBackend('cpu');
