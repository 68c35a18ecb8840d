import { selectBackend } from '../src/index.ts';

await selectBackend('cpu');
