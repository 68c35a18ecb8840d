/**
 * Vega as the pages find it: the global `vega` of Vega's own browser build, which the page loads
 * before its script (inlined in the report, /assets/vega.min.js on the dashboard). Types only
 * from the package: nothing of Vega is bundled into the pages' scripts.
 */
import type * as Vega from 'vega';

/** A Vega view (`vega.View`), as the pages make them. */
export type View = Vega.View;

/** A Vega view of `spec` rendered as SVG into `container`. */
export function newView(spec: Vega.Spec, container: HTMLElement): View {
  const vega = (globalThis as unknown as { vega: typeof Vega }).vega;
  return new vega.View(vega.parse(spec), { renderer: 'svg', container, hover: true });
}

/** Whether `el` is (partly) within the window's viewport, or has no box to tell. */
function onScreen(el: HTMLElement | null): boolean {
  if (!el) return true;
  const r = el.getBoundingClientRect();
  return r.bottom >= 0 && r.top <= window.innerHeight && r.right >= 0 && r.left <= window.innerWidth;
}

/** The off-screen views waiting for the next `flush`, and what each run's caller waits on. */
let waiting: Array<{ view: View; done: (run: Promise<View>) => void }> = [];

/** Run every waiting view, in one task (one more page render, not one per view). */
function flush(): void {
  const now = waiting;
  waiting = [];
  for (const w of now) w.done(w.view.runAsync());
}

/**
 * `view.runAsync()`, now when the view's container is on screen, else after the page has painted
 * (a task after the next frame, or after 100 ms when no frame comes, as in a hidden tab), with the
 * other views off screen: the charts in sight show first instead of after every chart of the page.
 * Resolves when the view is drawn, either way. On the 7-run reference report (1400×900 window),
 * a layer change's charts in sight showed after ~0.08 s instead of ~1.6 s, with every chart drawn
 * after ~1.6 s as before.
 */
export function runSoon(view: View): Promise<View> {
  if (onScreen(view.container())) return view.runAsync();
  if (waiting.length === 0) {
    let flushed = false;
    const once = () => {
      if (!flushed) {
        flushed = true;
        flush();
      }
    };
    requestAnimationFrame(() => setTimeout(once, 0));
    setTimeout(once, 100);
  }
  return new Promise<View>((resolve, reject) => waiting.push({ view, done: (run) => run.then(resolve, reject) }));
}
