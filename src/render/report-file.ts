/**
 * Writing report.html in Node: Vega's browser build is read from the installed `vega` package and
 * inlined, and the runs' penalties are sampled for the penalty-shape view.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RunRecord } from '../formats/index.ts';
import { writeFileAtomic } from '../io/index.ts';
import { reportHtml } from '../viz/index.ts';
import { penaltyCurves } from './penalty-curves.ts';

const require = createRequire(import.meta.url);
let cached: string | undefined;

/** Vega's browser build (it sits next to the schema file the package exports). */
export async function vegaScript(): Promise<string> {
  return (cached ??= await readFile(join(dirname(require.resolve('vega/vega-schema.json')), 'vega.min.js'), 'utf8'));
}

/** The report page of `runs`, written atomically to `path`. */
export async function writeReport(path: string, runs: RunRecord[], options: { title?: string } = {}): Promise<void> {
  const penalties = await penaltyCurves(runs);
  await writeFileAtomic(path, await reportHtml(runs, { ...options, vegaScript: await vegaScript(), penalties }));
}
