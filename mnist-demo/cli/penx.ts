#!/usr/bin/env node
// The `penx` command (built to dist/cli.mjs, which bin/penx.mjs runs). From the sources: node --import tsx mnist-demo/cli/penx.ts
import { main } from './main.ts';

const code = await main(process.argv.slice(2));
// Exit explicitly: worker threads and the wasm backend's thread pool would keep the process alive.
process.exit(code);
