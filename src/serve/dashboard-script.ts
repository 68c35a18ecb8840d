/**
 * The dashboard page's script (plain browser JavaScript; Vega and download-script.ts run first):
 *
 *   /api/runs ─► the run list (checkboxes, grouped by comparison folder; all text set as text)
 *   choice of runs and controls ─► /api/view/ID?runs=…&epoch=…&layer=…  ─► one Vega view per card
 *   /api/events `runs` (a run.json changed) ─► the list reloaded ─► the cards redrawn; the epoch
 *   slider follows the newest epoch while it sits at the last one
 *
 * First choice of runs: `?runs=a,b` in the page's address, else the newest comparison (or run).
 * After each redraw `document.body.dataset.drawn` counts up (tests wait for it).
 */
export const DASHBOARD_SCRIPT = String.raw`
(function () {
  'use strict';
  var state = { runs: [], views: [], selected: [], epoch: 0, follow: true, layer: 'all', scale: 'linear', color: 'log', bins: '', range: '', smoothing: '0.6' };
  var cards = {};
  var drawn = 0;
  var generation = 0;
  var first = true;
  var $ = function (id) { return document.getElementById(id); };

  function status(text, error) {
    var el = $('status');
    el.textContent = text;
    el.className = error ? 'error' : '';
  }

  function getJson(url) {
    return fetch(url, { cache: 'no-store' }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body && body.error ? body.error : r.statusText);
        return body;
      });
    });
  }

  function chosen() {
    return state.runs.filter(function (r) { return state.selected.indexOf(r.id) >= 0; });
  }

  function defaultSelection() {
    var asked = new URLSearchParams(location.search).get('runs');
    if (asked) return asked.split(',').filter(function (id) { return state.runs.some(function (r) { return r.id === id; }); });
    var newest = state.runs.slice().sort(function (a, b) { return b.modified - a.modified; })[0];
    if (!newest) return [];
    return newest.comparison ? state.runs.filter(function (r) { return r.comparison === newest.comparison; }).map(function (r) { return r.id; }) : [newest.id];
  }

  /** The run.json files that are not valid records: named, with why, so a bad one is not silently missing. */
  function skippedList(skipped) {
    var box = $('skipped');
    box.textContent = '';
    box.hidden = skipped.length === 0;
    if (!skipped.length) return;
    var head = document.createElement('p');
    head.textContent = 'Skipped (not a valid run record):';
    box.appendChild(head);
    var list = document.createElement('ul');
    skipped.forEach(function (s) {
      var item = document.createElement('li');
      var id = document.createElement('code');
      id.textContent = s.id + '/run.json';
      item.appendChild(id);
      item.appendChild(document.createTextNode(' — ' + s.reason));
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  function runList() {
    var list = $('run-list');
    list.textContent = '';
    var groups = {};
    var order = [];
    state.runs.forEach(function (r) {
      var g = r.comparison || (r.id.indexOf('/') >= 0 ? r.id.slice(0, r.id.lastIndexOf('/')) : '.');
      if (!groups[g]) { groups[g] = []; order.push(g); }
      groups[g].push(r);
    });
    order.forEach(function (g) {
      var fs = document.createElement('fieldset');
      var legend = document.createElement('legend');
      legend.textContent = g;
      fs.appendChild(legend);
      groups[g].forEach(function (r) {
        var label = document.createElement('label');
        var box = document.createElement('input');
        box.type = 'checkbox';
        box.value = r.id;
        box.checked = state.selected.indexOf(r.id) >= 0;
        box.addEventListener('change', function () {
          state.selected = state.runs.filter(function (x) {
            return x.id === r.id ? box.checked : state.selected.indexOf(x.id) >= 0;
          }).map(function (x) { return x.id; });
          controls();
          drawAll(false);
        });
        var text = document.createElement('span');
        text.className = 'run';
        text.textContent = r.penalty + (r.name && r.name !== r.penalty ? ' · ' + r.name : '');
        var epochs = document.createElement('span');
        epochs.className = 'epochs';
        epochs.setAttribute('data-run', r.id);
        epochs.textContent = r.epochs + '/' + r.target + (r.stopped ? ' stopped' : '');
        label.appendChild(box);
        label.appendChild(text);
        label.appendChild(epochs);
        fs.appendChild(label);
      });
      list.appendChild(fs);
    });
  }

  function controls() {
    var runs = chosen();
    var max = runs.reduce(function (m, r) { return Math.max(m, r.epochs); }, 0);
    var slider = $('epoch');
    slider.max = String(max);
    if (state.follow || state.epoch > max) state.epoch = max;
    slider.value = String(state.epoch);
    $('epoch-value').textContent = String(state.epoch);
    var select = $('layer');
    var names = ['all', 'kernels', 'biases'];
    runs.forEach(function (r) { r.layers.concat(r.weights).forEach(function (n) { if (names.indexOf(n) < 0) names.push(n); }); });
    var keep = names.indexOf(state.layer) >= 0 ? state.layer : 'all';
    select.textContent = '';
    names.forEach(function (n) {
      var o = document.createElement('option');
      o.value = n;
      o.textContent = n === 'all' ? 'all weights' : n;
      select.appendChild(o);
    });
    select.value = state.layer = keep;
  }

  function query(view) {
    var q = new URLSearchParams();
    q.set('runs', state.selected.join(','));
    if (view.perEpoch) q.set('epoch', String(state.epoch));
    q.set('layer', state.layer);
    q.set('scale', state.scale);
    q.set('color', state.color);
    if (state.bins) q.set('bins', state.bins);
    if (state.range) q.set('range', state.range);
    if (state.smoothing !== '') q.set('smoothing', state.smoothing);
    return q.toString();
  }

  function card(view) {
    if (cards[view.id]) return cards[view.id];
    var el = document.createElement('div');
    el.className = 'card';
    el.id = 'view-' + view.id;
    var head = document.createElement('div');
    head.className = 'card-head';
    var h = document.createElement('h2');
    h.textContent = view.title;
    var downloads = document.createElement('div');
    downloads.className = 'downloads';
    var chart = document.createElement('div');
    chart.className = 'chart';
    head.appendChild(h);
    head.appendChild(downloads);
    el.appendChild(head);
    el.appendChild(chart);
    $('views').appendChild(el);
    var c = { el: el, chart: chart, view: null };
    penxDownloads(downloads, view.id, function () { return c.view; }, function () { return { url: '/api/csv/' + view.id + '?' + query(view) }; });
    return (cards[view.id] = c);
  }

  function draw(view, gen) {
    var c = card(view);
    return getJson('/api/view/' + view.id + '?' + query(view)).then(function (spec) {
      if (gen !== generation) return;
      if (c.view) c.view.finalize();
      c.chart.textContent = '';
      c.view = new vega.View(vega.parse(spec), { renderer: 'svg', container: c.chart, hover: true });
      return c.view.runAsync();
    }).catch(function (error) {
      if (gen !== generation) return;
      c.chart.textContent = '';
      var p = document.createElement('p');
      p.className = 'error';
      p.textContent = String(error.message || error);
      c.chart.appendChild(p);
    });
  }

  function drawAll(onlyPerEpoch) {
    var gen = ++generation;
    if (!state.selected.length) {
      status('no run chosen');
      return Promise.resolve();
    }
    var views = state.views.filter(function (v) { return !onlyPerEpoch || v.perEpoch; });
    return Promise.all(views.map(function (v) { return draw(v, gen); })).then(function () {
      if (gen !== generation) return;
      var runs = chosen();
      status(runs.length + ' run' + (runs.length === 1 ? '' : 's') + ' · epoch ' + state.epoch + ' · live');
      document.body.dataset.drawn = String(++drawn);
    });
  }

  function loadRuns() {
    return getJson('/api/runs').then(function (body) {
      state.runs = body.runs;
      state.views = body.views;
      skippedList(body.skipped || []);
      if (first) { state.selected = defaultSelection(); first = false; }
      state.selected = state.selected.filter(function (id) { return state.runs.some(function (r) { return r.id === id; }); });
      runList();
      controls();
    });
  }

  var timer = null;
  function later(onlyPerEpoch) {
    clearTimeout(timer);
    timer = setTimeout(function () { drawAll(onlyPerEpoch); }, 120);
  }

  $('epoch').addEventListener('input', function () {
    state.epoch = Number($('epoch').value);
    state.follow = state.epoch === Number($('epoch').max);
    $('epoch-value').textContent = String(state.epoch);
    later(true);
  });
  $('layer').addEventListener('change', function () { state.layer = $('layer').value; drawAll(false); });
  document.querySelectorAll('input[name="scale"], input[name="color"]').forEach(function (radio) {
    radio.addEventListener('change', function () { if (radio.checked) { state[radio.name] = radio.value; drawAll(false); } });
  });
  ['bins', 'range', 'smoothing'].forEach(function (id) {
    $(id).addEventListener('change', function () { state[id] = $(id).value.trim(); drawAll(false); });
  });

  loadRuns().then(function () { return drawAll(false); }).catch(function (error) { status(String(error.message || error), true); });
  var events = new EventSource('/api/events');
  events.addEventListener('runs', function () {
    loadRuns().then(function () { return drawAll(false); }).catch(function (error) { status(String(error.message || error), true); });
  });
})();
`;
