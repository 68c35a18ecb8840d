/** The dashboard's style sheet (the report's look: same font, colours and cards). */
import { BAR_COLOR, FONT_STACK } from '../viz/index.ts';

/** The dashboard's CSS. */
export const DASHBOARD_STYLE = `
:root { --ink: #222; --muted: #666; --line: #ddd; --accent: ${BAR_COLOR}; }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px 22px 40px; font: 14px/1.45 ${FONT_STACK}; color: var(--ink); background: #fff; }
h1 { font-size: 21px; margin: 0; }
h2 { font-size: 15px; margin: 0 0 6px; }
.sub, .note { color: var(--muted); margin: 2px 0 8px; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
#layout { display: flex; gap: 18px; align-items: flex-start; }
#runs { flex: 0 0 280px; position: sticky; top: 8px; max-height: calc(100vh - 16px); overflow: auto; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
#runs fieldset { border: 0; margin: 0 0 10px; padding: 0; }
#runs legend { font-weight: bold; padding: 0; word-break: break-all; }
#runs label { display: flex; gap: 6px; align-items: baseline; margin: 3px 0; }
/* A long run name (a comparison's penalty and optimiser parameters) wraps anywhere within the list, whole (its title
   too), and its epochs keep their place beside it. */
#runs .run { flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
#runs .epochs { flex: none; color: var(--muted); white-space: nowrap; }
main { flex: 1 1 auto; min-width: 0; }
#controls { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 8px 22px; align-items: center; padding: 8px 12px; margin: 0 0 10px;
  background: #f6f7f9; border: 1px solid var(--line); border-radius: 6px; }
#controls label, #controls fieldset { display: flex; align-items: center; gap: 6px; }
/* Each control no wider than the bar: a long weight's name (a nested model's path) shrinks the menu, cut in it and
   whole in its list, rather than pushing the bar and the page past the window's right edge. */
#controls > label, #controls > fieldset, #controls select { min-width: 0; max-width: 100%; }
#controls fieldset { border: 0; margin: 0; padding: 0; }
#controls legend { float: left; margin-right: 6px; padding: 0; }
#epoch { width: min(320px, 40vw); accent-color: var(--accent); }
#epoch-value { display: inline-block; min-width: 2em; font-weight: bold; font-variant-numeric: tabular-nums; }
#views { display: flex; flex-wrap: wrap; gap: 14px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; max-width: 100%; overflow-x: auto; }
.card-head { display: flex; gap: 10px; align-items: baseline; justify-content: space-between; }
.downloads { display: flex; gap: 4px; }
button.download { font: 11px ${FONT_STACK}; padding: 1px 6px; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
.error { color: #b00020; }
#unserved { overflow-wrap: anywhere; }
/* A narrow window (a phone, half a laptop screen): the run list above the views, each as wide as the window. */
@media (max-width: 800px) {
  body { padding: 12px 12px 32px; }
  #layout { flex-direction: column; align-items: stretch; }
  #runs { position: static; flex: none; max-height: 40vh; }
}
/* A phone: the cards' padding less, the figures' room more (a card 382 px wide within 420, not 374). */
@media (max-width: 600px) {
  .card { padding: 6px; }
}
`;
