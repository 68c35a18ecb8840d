/** Where the CLI tests write a user's modules: the OS's temporary folder, never the repository. */
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * A fresh folder under the OS's temporary folder (the caller removes it) whose `node_modules` links to
 * this repository's, as a user's project has the package installed: `import … from 'penalty-explorer'`
 * in a module there resolves to this package, the same copy as penx's own (Node follows the link to
 * its real path), e.g. `moduleDir('penx-int-')` → `/tmp/penx-int-Ab12Cd`.
 */
export function moduleDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  return dir;
}
