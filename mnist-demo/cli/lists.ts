/**
 * Lists given to a flag as one text: `--penalties none,l1:1e-4`, `--optimizers 'adam;sgd'`,
 * `--strengths 1e-5,1e-4`, `--lr-mult`, `--grad`, epoch lists. Every item is read: an empty one
 * (`none,,l1`, a trailing comma, an unset shell variable in `none,$MORE`) is refused by its
 * position, not skipped, so what trains is the list typed.
 */
import { UsageError } from 'penalty-explorer/errors';
import { splitSpecList } from 'penalty-explorer/spec';

/**
 * The trimmed items of `text` between `separator`s, in order; [] when there is none at all (`''`,
 * `','`: the caller says what the flag needs). An empty item among others is a UsageError naming
 * the flag, the list, the item's position and the list without it.
 *
 * @example
 * listItems('none, l1:1e-4', '--penalties')   // ['none', 'l1:1e-4']
 * listItems('none,,l1', '--penalties')
 * // throws: --penalties 'none,,l1': item 2 of 3 is empty; remove the extra ',' ('none,l1'), or put an item there
 */
export function listItems(text: string, flag: string, separator = ','): string[] {
  return itemsOf(text.split(separator), text, flag, separator);
}

/** `listItems` of the pieces of `text` already split at every `separator`. */
function itemsOf(pieces: readonly string[], text: string, flag: string, separator: string): string[] {
  const items = pieces.map((s) => s.trim());
  if (items.every((s) => s === '')) return [];
  const empty = items.indexOf('');
  if (empty >= 0) {
    const without = items.filter((s) => s !== '').join(separator);
    throw new UsageError(
      `${flag} '${text}': item ${empty + 1} of ${items.length} is empty; remove the extra '${separator}' ('${without}'), or put an item there`,
    );
  }
  return items;
}

/**
 * The per-layer items of `--lr-mult` and `--grad`: the trimmed pieces of `text` between `separator`s (`listItems`: an empty one among others refused
 * by its position); a UsageError when there is none (the flag given, e.g. `--lr-mult ''` or `','`,
 * would change nothing, unsaid).
 */
export function layerItems(text: string, separator: string, flag: string, example: string): string[] {
  const found = listItems(text, flag, separator);
  if (found.length === 0) throw new UsageError(`${flag} '${text}' names no layer; give e.g. '${example}', or leave ${flag} out`);
  return found;
}

/**
 * A comma-separated list of specs (`splitSpecList`: `key=value` and `prox` pieces continue the spec
 * before them), an empty piece refused as `listItems` does: `none,,l1` is not `none,l1`.
 *
 * @example
 * specList('none,deadzone:1e-4,a=0.3', '--penalties')   // ['none', 'deadzone:1e-4,a=0.3']
 */
export function specList(text: string, flag: string): string[] {
  // Split once: the pieces are checked for an empty one, then joined into specs as they were typed.
  const pieces = text.split(',');
  itemsOf(pieces, text, flag, ',');
  return splitSpecList(pieces);
}

/** A list as a flag was given it, for `checkNoRepeats`: the flag, its text, its items in order and what one item is. */
export interface GivenList {
  readonly flag: string;
  readonly text: string;
  readonly items: readonly string[];
  /** What one item is, for the message: `penalty`, `strength`, … */
  readonly what: string;
  /** Between the items (default `,`). */
  readonly separator?: string;
}

/**
 * A UsageError when two items of `list` are the same once normalised (`keys`: each item's normal
 * form, in order; `l1:1e-4` and `l1:0.0001` are both `l1:1e-4`): its runs would be trained twice. The
 * message names the two items as typed and by their positions, what both are, and the list with each once.
 *
 * @example
 * checkNoRepeats({ flag: '--penalties', text: 'none,l1:1e-4,l1:0.0001', items: ['none', 'l1:1e-4', 'l1:0.0001'], what: 'penalty' }, ['none', 'l1:1e-4', 'l1:1e-4'])
 * // throws "--penalties 'none,l1:1e-4,l1:0.0001': items 2 and 3 (l1:1e-4 and l1:0.0001) are the same penalty, l1:1e-4: its runs would be trained twice; give each once ('none,l1:1e-4')"
 */
export function checkNoRepeats(list: GivenList, keys: readonly string[]): void {
  const second = keys.findIndex((k, i) => keys.indexOf(k) !== i);
  if (second < 0) return;
  const first = keys.indexOf(keys[second] as string);
  const once = list.items.filter((_, i) => keys.indexOf(keys[i] as string) === i).join(list.separator ?? ',');
  throw new UsageError(
    `${list.flag} '${list.text}': items ${first + 1} and ${second + 1} (${list.items[first]} and ${list.items[second]}) are the same ${list.what}, ${keys[second]}: its runs would be trained twice; give each once ('${once}')`,
  );
}
