#!/usr/bin/env node
// The `penx` command: the app as built to dist/ (`npm ci` builds it; `npm run build` after a change).
import '../dist/cli.mjs';
