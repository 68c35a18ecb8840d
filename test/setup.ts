import { selectBackend } from '../src/node.ts';

await selectBackend('cpu');
