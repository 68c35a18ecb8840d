/** The report page's style sheet. */
import { BAR_COLOR, FONT_STACK } from '../figures/index.ts';

/** The report page's CSS, inlined in its `<style>`. */
export const PAGE_STYLE = `
:root { --ink: #222; --muted: #666; --line: #ddd; --accent: ${BAR_COLOR}; --hi: #fff3c4; }
* { box-sizing: border-box; }
body { margin: 0; padding: 20px 28px 40px; font: 14px/1.45 ${FONT_STACK}; color: var(--ink); background: #fff; }
h1 { font-size: 22px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 26px 0 8px; }
h3 { font-size: 14px; margin: 0 0 6px; }
details.run-prune summary { font-size: 14px; font-weight: bold; margin: 0 0 6px; cursor: pointer; }
.sub, .note { color: var(--muted); margin: 0 0 8px; }
.progress { color: #9a5b00; font-weight: 600; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
#controls { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 10px 28px; align-items: center;
  padding: 10px 14px; margin: 14px 0 6px; background: #f6f7f9; border: 1px solid var(--line); border-radius: 6px; }
#controls label, #controls fieldset { display: flex; align-items: center; gap: 8px; }
#controls fieldset { border: 0; margin: 0; padding: 0; }
#controls legend { float: left; margin-right: 8px; padding: 0; }
#epoch { width: min(420px, 50vw); accent-color: var(--accent); }
#epoch-value { display: inline-block; min-width: 2.5em; font-weight: bold; font-variant-numeric: tabular-nums; }
#title { font-size: 19px; font-variant-numeric: tabular-nums; margin: 14px 0 8px; }
.cards { display: flex; flex-wrap: wrap; gap: 14px; }
/* Never wider than the window: a wider figure or table scrolls in its own box, the page does not. */
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; max-width: 100%; overflow-x: auto; }
.run-label { font-weight: bold; }
.run-title, .norms-title { color: var(--muted); font-variant-numeric: tabular-nums; }
#title, .run-title, .norms-title, .full-names { white-space: pre-line; }
.full-names { color: var(--muted); font-size: 12px; margin: 0 0 6px; }
.full-names:empty { display: none; }
#norm-curves { margin-top: 14px; overflow-x: auto; }
.charts { display: flex; flex-wrap: wrap; gap: 18px; }
/* The sparsity and accuracy: as wide as their figures (620 px) side by side where the page holds both, else one a row as
   wide as the page, so they narrow to it (fit-width.ts); sized by their own figures, they had been drawn narrower at any width. */
.charts > div { flex: 1 1 620px; min-width: 0; max-width: 100%; overflow-x: auto; }
.tables { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.tables > *, .chart { max-width: 100%; min-width: 0; }
.chart { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; display: block; max-width: 100%; overflow-x: auto; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { background: #f6f7f9; font-weight: 600; }
table.config th, table.config td { text-align: left; white-space: normal; vertical-align: top; }
table.config td:first-child { color: var(--muted); white-space: nowrap; }
tr.selected td { background: var(--hi); font-weight: bold; }
.card-head { display: flex; gap: 10px; align-items: baseline; justify-content: space-between; }
.downloads { display: flex; gap: 4px; justify-content: flex-end; margin: 2px 0; }
button.download { font: 11px ${FONT_STACK}; padding: 1px 6px; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
/* A narrow window (a phone): less margin round the page and the cards, the figures' room (a card 386 px wide within 420, not 342). */
@media (max-width: 600px) {
  body { padding: 12px 10px 32px; }
  .card { padding: 6px; }
}
`;
