/**
 * The report page's script (plain browser JavaScript, run after Vega's own script). It keeps one
 * `vega.View` per run for the histogram and, when the epoch, layer or scale changes, sets the
 * view's `bins` data and axis signals (rebuilding the views only to switch linear/log), updates
 * the titles and moves the highlighted row of `#numbers`. With channel norms, it also keeps one
 * view per run for the norm histograms (`#norms-I`, data `norms` set for the selected epoch) and
 * updates `#norms` (its `data-epoch`, `.norms-title`, highlighted projected rows). The views
 * beyond the histogram are views-script.ts's (`penxViews`, redrawn with the same state), and every
 * chart gets PNG/SVG/CSV buttons (download-script.ts). After each redraw it sets
 * `document.body.dataset.drawn` to a counter, so tests can wait for it.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var model = JSON.parse(document.getElementById('penx-model').textContent);
  var specs = JSON.parse(document.getElementById('penx-specs').textContent);
  var state = { epoch: model.lastEpoch, scale: 'linear', layer: 'all' };
  var views = [];
  var normViews = [];
  var viewScale = null;
  var drawn = 0;

  function bars(h) {
    if (!h) return [];
    var width = (h.hi - h.lo) / h.density.length;
    return h.density.map(function (d, i) {
      return { bin: i, x0: h.lo + i * width, x1: h.lo + (i + 1) * width, density: d };
    });
  }

  function buildViews() {
    views.forEach(function (v) { v.finalize(); });
    views = model.runs.map(function (run, i) {
      var el = document.getElementById('hist-' + i);
      el.textContent = '';
      return new vega.View(vega.parse(specs.histogram[state.scale]), { renderer: 'svg', container: el, hover: true });
    });
    viewScale = state.scale;
  }

  // The rows of run i's norm histograms at the selected epoch: bars, bound rules and notes per layer column.
  function normRows(i) {
    var run = model.runs[i];
    var cells = run.norms ? run.norms[state.epoch] : null;
    if (!cells) return [];
    var width = model.norms.xMax / model.norms.bins;
    var rows = [];
    cells.forEach(function (cell, col) {
      if (!cell) return;
      cell.shares.forEach(function (share, bin) {
        rows.push({ col: col, kind: 'bar', bin: bin, x0: bin * width, x1: (bin + 1) * width, share: share });
      });
      (run.bounds[col] || []).forEach(function (b) { rows.push({ col: col, kind: 'bound', bound: b.bound, boundLabel: b.label }); });
      if (cell.note) rows.push({ col: col, kind: 'note', note: cell.note });
    });
    return rows;
  }

  function buildNormViews() {
    if (!specs.norms || !model.norms) return;
    normViews = model.runs.map(function (run, i) {
      var el = document.getElementById('norms-' + i);
      return el ? new vega.View(vega.parse(specs.norms), { renderer: 'svg', container: el, hover: true }) : null;
    });
    normViews.forEach(function (v, i) { penxViews.downloads('norms-' + i, 'norms-' + i, function () { return normViews[i]; }, 'norms'); });
  }

  function updateText() {
    var titles = model.runs.map(function (run) { return run.titles[state.epoch]; });
    document.getElementById('title').textContent = model.runs.length === 1 ? titles[0] : 'epoch=' + state.epoch;
    document.querySelectorAll('.run-title').forEach(function (el, i) { el.textContent = titles[i]; });
    document.getElementById('epoch-value').textContent = String(state.epoch);
    document.querySelectorAll('#numbers tr[data-epoch], #norms tr[data-epoch]').forEach(function (tr) {
      tr.classList.toggle('selected', Number(tr.getAttribute('data-epoch')) === state.epoch);
    });
    var norms = document.getElementById('norms');
    if (norms) norms.setAttribute('data-epoch', String(state.epoch));
    document.querySelectorAll('.norms-title').forEach(function (el) {
      el.textContent = titles[Number(el.getAttribute('data-run'))];
    });
  }

  function redraw() {
    if (viewScale !== state.scale) buildViews();
    var axis = model.axes[state.layer];
    var jobs = views.map(function (view, i) {
      var byEpoch = model.runs[i].hist[state.layer];
      view.signal('ymax', axis.ymax).signal('symc', axis.symc).signal('yticks', axis.yticks);
      view.data('bins', bars(byEpoch ? byEpoch[state.epoch] : null));
      return view.runAsync();
    });
    normViews.forEach(function (view, i) {
      // resize(): the facet's size follows the data (no columns where the run lacks the epoch).
      if (view) jobs.push(view.data('norms', normRows(i)).resize().runAsync());
    });
    jobs.push(penxViews.redraw(state));
    updateText();
    return Promise.all(jobs).then(function () {
      document.body.dataset.drawn = String(++drawn);
    }).catch(function (error) { console.error(error); });
  }

  function staticChart(id, spec) {
    var view = new vega.View(vega.parse(spec), { renderer: 'svg', container: document.getElementById(id), hover: true });
    penxViews.downloads(id, id, function () { return view; }, 'source_0');
    view.runAsync().catch(function (error) { console.error(error); });
  }

  var slider = document.getElementById('epoch');
  function onEpoch() {
    var epoch = Number(slider.value);
    if (epoch !== state.epoch) { state.epoch = epoch; redraw(); }
  }
  slider.addEventListener('input', onEpoch);
  slider.addEventListener('change', onEpoch);
  document.querySelectorAll('input[name="scale"]').forEach(function (radio) {
    radio.addEventListener('change', function () {
      if (radio.checked && radio.value !== state.scale) { state.scale = radio.value; redraw(); }
    });
  });
  var layer = document.getElementById('layer');
  layer.addEventListener('change', function () {
    if (layer.value !== state.layer) { state.layer = layer.value; redraw(); }
  });

  state.epoch = Number(slider.value);
  var checked = document.querySelector('input[name="scale"]:checked');
  if (checked) state.scale = checked.value;
  state.layer = layer.value;
  staticChart('sparsity', specs.sparsity);
  staticChart('accuracy', specs.accuracy);
  if (specs.normCurves && document.getElementById('norm-curves')) staticChart('norm-curves', specs.normCurves);
  buildNormViews();
  model.runs.forEach(function (run, i) { penxViews.downloads('hist-' + i, 'histogram-' + (i + 1), function () { return views[i]; }, 'bins'); });
  penxDownloads(document.getElementById('dl-numbers'), 'numbers', null, function () {
    return { text: JSON.parse(document.getElementById('penx-numbers-csv').textContent) };
  });
  penxViews.build(model, specs.views);
  redraw();
})();
`;
