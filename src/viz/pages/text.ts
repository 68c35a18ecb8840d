/**
 * The text the pages' scripts show of a record's strings (run names, penalties, layer and weight
 * names, a monitor's title): set as text, never markup, with their control and bidirectional
 * characters as escapes (`visibleControls`, as report.html's own text and `penx` on a terminal).
 */
import { visibleControls } from '../figures/index.ts';

export { visibleControls };

/**
 * A layer menu entry as shown: `all` as `all weights`, a layer's or weight's name as it is but for
 * its controls.
 *
 * @example
 * layerText('all')                // 'all weights'
 * layerText('dense\u202e_1')      // 'dense\\u202e_1'
 */
export function layerText(name: string): string {
  return name === 'all' ? 'all weights' : visibleControls(name);
}
