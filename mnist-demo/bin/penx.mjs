#!/usr/bin/env node
// The `penx` command. Registers tsx so the CLI and users' penalty modules can be TypeScript.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: the wasm backend's thread pool would keep the process alive.
process.exit(code);
