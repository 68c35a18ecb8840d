/**
 * Serving only what is under the dashboard's folder: a request path is decoded, refused when it
 * holds a NUL, a backslash or a `..` segment, and its real path (symbolic links followed) must
 * still be inside the folder's real path.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** The relative path of `urlPath` inside `root` (posix separators), or undefined when it would leave it. */
export function insideRoot(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const parts = decoded.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return undefined;
  const rootReal = realpathSync(root);
  const target = resolve(rootReal, ...parts);
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    // Missing: judged by its path (send answers 404).
    real = target;
  }
  const rel = relative(rootReal, real);
  if (rel.startsWith('..') || isAbsolute(rel) || (rel !== '' && real !== rootReal && !real.startsWith(rootReal + sep))) return undefined;
  return parts.join('/');
}
