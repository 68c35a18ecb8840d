/**
 * The report page's script (plain browser JavaScript, run after Vega's own script). It keeps one
 * `vega.View` per run for the histogram and, when the epoch, layer or scale changes, sets the
 * view's `bins` data and axis signals (rebuilding the views only to switch linear/log), updates
 * the titles and moves the highlighted row of `#numbers`. After each redraw it sets
 * `document.body.dataset.drawn` to a counter, so tests can wait for it.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var model = JSON.parse(document.getElementById('penx-model').textContent);
  var specs = JSON.parse(document.getElementById('penx-specs').textContent);
  var state = { epoch: model.lastEpoch, scale: 'linear', layer: 'all' };
  var views = [];
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

  function updateText() {
    var titles = model.runs.map(function (run) { return run.titles[state.epoch]; });
    document.getElementById('title').textContent = model.runs.length === 1 ? titles[0] : 'epoch=' + state.epoch;
    document.querySelectorAll('.run-title').forEach(function (el, i) { el.textContent = titles[i]; });
    document.getElementById('epoch-value').textContent = String(state.epoch);
    document.querySelectorAll('#numbers tr[data-epoch]').forEach(function (tr) {
      tr.classList.toggle('selected', Number(tr.getAttribute('data-epoch')) === state.epoch);
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
    updateText();
    return Promise.all(jobs).then(function () {
      document.body.dataset.drawn = String(++drawn);
    }).catch(function (error) { console.error(error); });
  }

  function staticChart(id, spec) {
    new vega.View(vega.parse(spec), { renderer: 'svg', container: document.getElementById(id), hover: true })
      .runAsync()
      .catch(function (error) { console.error(error); });
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
  redraw();
})();
`;
