/**
 * Before any test: build dist/ from the sources, so the tests that run the `penx` command run
 * what the package ships (dist/cli.mjs), never a stale build.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export default function setup(): void {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('tsdown/package.json')), 'dist', 'run.mjs');
  execFileSync(process.execPath, [bin, '--config-loader', 'native', '--logLevel', 'error'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
