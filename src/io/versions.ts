/** The versions a run record names: this package's, TF.js's and Node's (Node only). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '../tf.ts';

/** This package's version, from the nearest package.json named penalty-explorer above this file. */
export function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'penalty-explorer') return pkg.version ?? 'unknown';
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

/**
 * The versions a run record names: this package's, TF.js's and Node's.
 *
 * @example
 * versions()   // { 'penalty-explorer': '0.1.0', '@tensorflow/tfjs': '4.22.0', node: 'v20.19.0' }
 */
export function versions(): Record<string, string> {
  return { 'penalty-explorer': packageVersion(), '@tensorflow/tfjs': tf.version.tfjs ?? tf.version_core, node: process.version };
}
