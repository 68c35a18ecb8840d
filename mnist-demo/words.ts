/**
 * A count with its noun, singular for 1: the app's messages, pages and reports say "1 epoch",
 * "3 epochs", "2 penalties".
 *
 * @example
 * counted(1, 'epoch')                      // '1 epoch'
 * counted(3, 'penalty', 'penalties')       // '3 penalties'
 */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
