/** The text of a kept run in the playground's list. */
import type { RunRecord } from 'penalty-explorer';
import { visibleControls } from 'penalty-explorer/viz';
import { counted } from '../words.ts';

/**
 * A kept run as the page lists it: its name and penalty, and as a tooltip its penalty, optimiser and
 * epochs — a record's control and bidirectional characters shown as escapes (`visibleControls`, as
 * the report and the dashboard show them), so a name cannot show itself reordered.
 *
 * @example
 * keptRunText(record)   // { text: 'l1\\u202egnp · l1:1e-4', title: 'l1:1e-4, adam:lr=1e-3, 2 epochs' }
 */
export function keptRunText(r: Pick<RunRecord, 'config' | 'epochs'>): { text: string; title: string } {
  return {
    text: visibleControls(`${r.config.name} · ${r.config.penalty}`),
    title: visibleControls(`${r.config.penalty}, ${r.config.optimizer}, ${counted(r.epochs.length, 'epoch')}`),
  };
}
