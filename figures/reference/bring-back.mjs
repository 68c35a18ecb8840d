/**
 * Brings a drawing of the study back into its folders, only what they hold (run-study.sh draws the
 * figures in a scratch copy, so the per-run images and the SVGs, which are not committed, never
 * enter them):
 *
 *   for each folder with a manifest (.penx-folder.jsonl), and each such folder in it (a run):
 *     the drawn copy's manifest ─► the lines penx appended there (it must start with the study's)
 *       ─► those naming an entry the study's folder holds, appended to its manifest (the proof first)
 *     each file the study's folder holds ─► the drawn copy's bytes, where they differ (a temporary name, renamed)
 *
 * So a committed manifest grows only by the proofs of committed files the drawing changed: a redraw
 * that changes nothing committed leaves every file of the study as it was.
 *
 * @example
 * // node figures/reference/bring-back.mjs /tmp/penx-study-x/figures/reference figures/reference penalties seed-43 seed-44
 * bringBack('/tmp/penx-study-x/figures/reference/penalties', 'figures/reference/penalties')
 * // { lines: 1, files: ['report.html'] } when the drawing changed report.html alone (besides what is not committed)
 */
import { appendFileSync, existsSync, lstatSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const MANIFEST = '.penx-folder.jsonl';

/** The entry a manifest line names (a name, a proof's or tree's `name`, a removal's `removed`), or undefined (the marker). */
function named(line) {
  const entry = JSON.parse(line);
  return typeof entry === 'string' ? entry : (entry.removed ?? entry.name);
}

/**
 * Bring `drawn` (a copy of the study's folder `study` that penx drew into) back into `study`: the
 * manifest lines naming what `study` holds, then those files' new bytes; the same for each folder
 * in it with a manifest. Returns how many lines were appended and which files (relative to `study`)
 * were rewritten, its folders' included.
 */
export function bringBack(drawn, study) {
  const was = readFileSync(join(study, MANIFEST), 'utf8');
  const now = readFileSync(join(drawn, MANIFEST), 'utf8');
  if (!now.startsWith(was)) throw new Error(`${join(drawn, MANIFEST)} does not start with ${join(study, MANIFEST)}: not a drawing of it`);
  const held = new Set(readdirSync(study).filter((name) => name !== MANIFEST));
  const lines = now.slice(was.length).split('\n').filter((line) => line !== '' && held.has(named(line)));
  if (lines.length) appendFileSync(join(study, MANIFEST), lines.map((line) => `${line}\n`).join(''));
  const brought = { lines: lines.length, files: [] };
  for (const name of held) {
    const [from, to] = [join(drawn, name), join(study, name)];
    if (lstatSync(to).isDirectory()) {
      if (!existsSync(join(to, MANIFEST))) continue;
      const inner = bringBack(from, to);
      brought.lines += inner.lines;
      brought.files.push(...inner.files.map((f) => join(name, f)));
      continue;
    }
    if (!existsSync(from)) throw new Error(`${from} is not there: the drawing removed ${to}; nothing of it brought back`);
    const bytes = readFileSync(from);
    if (bytes.equals(readFileSync(to))) continue;
    writeFileSync(`${to}.bring-back`, bytes);
    renameSync(`${to}.bring-back`, to);
    brought.files.push(name);
  }
  return brought;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [drawnRoot, studyRoot, ...folders] = process.argv.slice(2);
  for (const folder of folders) {
    const { lines, files } = bringBack(join(drawnRoot, folder), join(studyRoot, folder));
    const what = files.length ? `brought back ${files.join(', ')} (${lines} manifest line${lines === 1 ? '' : 's'})` : 'nothing it holds changed';
    console.error(`${join(studyRoot, folder)}: ${what}`);
  }
}
