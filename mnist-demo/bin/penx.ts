#!/usr/bin/env node
// The `penx` command (built to dist/cli.mjs). From the sources: node --import tsx mnist-demo/bin/penx.ts
import { main } from '../cli/main.ts';

const code = await main(process.argv.slice(2));
// Exit explicitly: worker threads and the wasm backend's thread pool would keep the process alive.
process.exit(code);
