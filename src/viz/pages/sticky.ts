/**
 * A page's sticky bar of controls (`#controls`, `position: sticky; top: 0`) kept off what the page
 * scrolls to: the document's `scroll-padding-top` is the bar's height and a margin, measured again
 * whenever the bar's height changes (its controls wrap onto more lines in a narrow window, 73 px
 * at 420 px against ~50 at 1 400). Anchor links (`report.html#norms`), `scrollIntoView` and focus
 * moved by the keyboard all stop that far below the window's top, so a card's top shows under the
 * bar, not behind it:
 *
 *   scroll-padding-top = bar height + CLEAR_MARGIN   (px)
 */

/** The room left between the bar and what the page scrolls to (px). */
const CLEAR_MARGIN = 8;

/**
 * Keeps the page's scrolling clear of `bar` (see the file's comment); nothing without a bar.
 *
 * @example
 * keepClearOf(document.getElementById('controls'))   // at 420 px: <html style="scroll-padding-top: 81px">
 */
export function keepClearOf(bar: HTMLElement | null): void {
  if (!bar) return;
  const root = document.documentElement;
  const fit = () => {
    root.style.scrollPaddingTop = `${Math.ceil(bar.getBoundingClientRect().height) + CLEAR_MARGIN}px`;
  };
  fit();
  new ResizeObserver(fit).observe(bar);
}
