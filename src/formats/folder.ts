/**
 * The marker of a folder this tool wrote: the first line of its `.penx-folder.jsonl` (see
 * penalty-explorer/node's run folders, which write it and the manifest lines after it), and the
 * folder names records hold (a comparison's or a sweep's runs).
 *
 * @example
 * { "format": "penalty-explorer/folder@1", "kind": "run", "id": "0b4f…", "created": "2026-11-25T10:00:00.000Z", "folder": "66306:1837564" }
 */
import * as z from 'zod';

import { runNameProblem } from '../folder-names.ts';

// The file that marks a folder this tool wrote: the marker, then one manifest line per entry it made.
export { MARKER_FILE } from '../folder-names.ts';
/** The `format` of a folder marker. */
export const FOLDER_FORMAT = 'penalty-explorer/folder@1';

/** What a folder of this tool holds: a run, a comparison of runs, a sweep of runs, a pruned model. */
export const FOLDER_KINDS = ['run', 'comparison', 'sweep', 'pruned'] as const;

/** The marker's schema: the first line of `.penx-folder.jsonl`. */
export const folderMarkerSchema = z.object({
  format: z.literal(FOLDER_FORMAT),
  kind: z.enum(FOLDER_KINDS),
  /** A random id, new for every folder. */
  id: z.string().min(1),
  /** When the folder was made its own (ISO time). */
  created: z.string(),
  /**
   * The folder it was made for: its device and inode numbers then, `dev:ino` (absent in a marker an older
   * version wrote). A marker file with several names (hard links) is a folder's own only where this is that folder's.
   */
  folder: z.string().optional(),
});
/** A folder marker: the format, what the folder holds, its id and when it was made. */
export type FolderMarker = z.output<typeof folderMarkerSchema>;
/** What a folder of this tool holds: `run`, `comparison`, `sweep` or `pruned`. */
export type FolderKind = FolderMarker['kind'];

/**
 * A folder name inside a record (a comparison's or a sweep's run, a sweep's own name): one plain
 * path segment by the rule every run folder's name follows (`runNameProblem`, as a run's name is
 * checked: `checkRunName`), so a record naming a folder the tool would never make — a bidirectional control that shows
 * it reordered, a path — is refused, the name escaped in the message.
 *
 * @example
 * folderNameSchema.safeParse('l1\u202egnp').error?.issues[0]?.message
 * // "'l1\\u202egnp' contains the bidirectional control U+202E, which shows the name reordered: expected one plain folder name, e.g. l1_1e-4"
 */
export const folderNameSchema = z.string().superRefine((name, ctx) => {
  const problem = runNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: `${problem}: expected one plain folder name, e.g. l1_1e-4` });
});

/** `a run`, `a comparison`, … for messages. */
export function kindText(kind: FolderKind): string {
  return kind === 'pruned' ? 'a pruned model' : `a ${kind}`;
}
