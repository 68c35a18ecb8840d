/**
 * A run's epoch title in the report's HTML, as `epoch-NNN.png` writes it (`epochTitle`): the
 * histograms' cards (`#title`, `.run-title`) and the Weight norms cards (`.norms-title`) show the same.
 */
import { escText } from './html.ts';
import type { PageModel } from './page-model.ts';

/**
 * Run `i`'s title at the last epoch, as HTML: its lines (`lines`, to go in the caller's title
 * element), and the outputs it shortens named in full (`names`, a `.full-names` block carrying
 * `data-run`, muted, as the PNG's subtitle; empty and hidden where none is shortened). The page
 * script rewrites both for the selected epoch.
 *
 * @example
 * epochTitleHtml(model, 0)   // { lines: 'epoch=4 loss=0.0412 acc=0.9871', names: '<div class="full-names" data-run="0"></div>' }
 */
export function epochTitleHtml(model: PageModel, i: number): { lines: string; names: string } {
  const t = model.runs[i]?.titles[model.lastEpoch];
  return { lines: escText(t?.lines.join('\n') ?? ''), names: `<div class="full-names" data-run="${i}">${escText(t?.fullNames.join('\n') ?? '')}</div>` };
}
