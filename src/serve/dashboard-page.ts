/**
 * The dashboard's page: an empty frame its script fills (runs, controls, one card per view), with the
 * served folder's name (`data-served`: its own runs' group, shown by the script as record strings are) and a
 * note (`#unserved`, hidden until the script fills it) naming the runs the address asks for that are not served.
 */
import { basename, resolve } from 'node:path';
import { esc, escText } from '../viz/index.ts';

/** The dashboard's HTML for the served folder `dir` (its script, Vega's and its style sheet from `/assets/`). */
export function dashboardPage(dir: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>penalty-explorer dashboard</title>
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body data-served="${esc(basename(resolve(dir)) || resolve(dir))}">
<header><h1>penalty-explorer</h1><p class="sub">runs under <code>${escText(dir)}</code> · <span id="status">loading…</span></p><p id="unserved" class="note error" hidden></p></header>
<div id="layout">
<aside id="runs" aria-label="runs"><p class="note">Pick runs to overlay (any folder).</p><div id="run-list"></div><div id="skipped" class="note" hidden></div></aside>
<main>
<section id="controls">
<label for="epoch">epoch <input id="epoch" type="range" min="0" max="0" step="1" value="0"><output id="epoch-value" for="epoch">0</output></label>
<label for="layer">weights <select id="layer"><option value="all">all weights</option></select></label>
<fieldset><legend>density</legend><label><input type="radio" name="scale" value="linear" checked> linear</label><label><input type="radio" name="scale" value="log"> log</label></fieldset>
<fieldset><legend>heatmap colour</legend><label><input type="radio" name="color" value="log" checked> log</label><label><input type="radio" name="color" value="linear"> linear</label></fieldset>
<label for="bins">bins <input id="bins" type="number" min="1" max="2000" placeholder="100"></label>
<label for="range">range <input id="range" type="text" size="9" placeholder="-1,1"></label>
<label for="smoothing">smoothing <input id="smoothing" type="number" min="0" max="0.99" step="0.05" value="0.6"></label>
</section>
<section id="views"></section>
</main>
</div>
<script src="/assets/vega.min.js"></script>
<script src="/assets/dashboard.js"></script>
</body>
</html>
`;
}
