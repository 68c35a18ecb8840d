/**
 * What is wrong with a `--model` folder before TF.js is asked to load it, said as what would be right:
 * TF.js's own answer is a bare `ENOENT … DIR/model.json`, whatever the user gave.
 *
 *   not there            ─► does not exist (and the module of that name, when one is: `--model ./m.ts`)
 *   a file               ─► model.json itself: give its folder; any other file: a module ends in .js, .ts, …
 *   no model.json in it  ─► the folder below that has one (a run folder's `checkpoint/model`), when there is
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { moduleWithExtension } from 'penalty-explorer/node';

/** What `--model` takes, for the end of each message. */
const TAKES = '--model takes a folder holding a TF.js model.json (and its weights), or a module file ending in .js, .mjs, .cjs, .ts, .mts or .cts';

/** `path` as the user would type it again: relative to the working directory when under it. */
export const shown = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? `./${rel}` : path;
};

const isFile = (path: string): boolean => existsSync(path) && statSync(path).isFile();

/**
 * Why `dir` (absolute) cannot be a model folder, or undefined when it holds a `model.json`.
 *
 * @example
 * modelFolderProblem('/home/me/runs/l1/checkpoint')
 * // "it has no model.json; its model/ has one (a run folder's checkpoint holds the model there): --model ./runs/l1/checkpoint/model"
 */
export function modelFolderProblem(dir: string): string | undefined {
  if (!existsSync(dir)) {
    const module = moduleWithExtension(dir);
    return module ? `it does not exist; a module is named with its extension: --model ${shown(module)}` : `it does not exist; ${TAKES}`;
  }
  if (!statSync(dir).isDirectory())
    return basename(dir) === 'model.json'
      ? `it is the model.json itself: give the folder that holds it, --model ${shown(dirname(dir))}`
      : `it is a file, not a folder; ${TAKES}`;
  if (isFile(join(dir, 'model.json'))) return undefined;
  for (const below of ['model', join('checkpoint', 'model')])
    if (isFile(join(dir, below, 'model.json')))
      return `it has no model.json; its ${below}/ has one (a run folder's checkpoint holds the model there): --model ${shown(join(dir, below))}`;
  return `it has no model.json; ${TAKES}`;
}
