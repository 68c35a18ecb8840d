/**
 * The report's views beyond the histogram, in the page (plain browser JavaScript, after Vega,
 * download-script.ts and before page-script.ts, which calls it):
 *
 *   penxViews.build(model, specs)   one Vega view per chart of ViewsSpecs, download buttons on every chart
 *   penxViews.redraw(state)         the data of the views for the selected epoch, layer and scale:
 *                                   overlay and log10|w| every time; heatmaps, ridgeline and bands
 *                                   when the layer (or the scale, for the ridges) changed
 *   penxViews.downloads(id, name, getView, dataName)   PNG/SVG/CSV buttons for another chart
 *
 * Rows are built as the figures build them in Node (figures/overlay.ts, heatmap.ts, ridgeline.ts,
 * log-abs.ts, bands.ts), from the page model's 100-bin histograms, log10|w| shares and percentiles.
 */
export const VIEWS_SCRIPT = String.raw`
var penxViews = (function () {
  'use strict';
  var model, specs, views = {}, last = {};
  var ZERO_GAP = 0.8, OVERLAP = 2.5;

  function view(id, spec) {
    var el = document.getElementById(id);
    if (!el || !spec) return null;
    el.textContent = '';
    return new vega.View(vega.parse(spec), { renderer: 'svg', container: el, hover: true });
  }

  function downloads(id, name, getView, dataName) {
    var box = document.getElementById('dl-' + id);
    if (!box) return;
    penxDownloads(box, name, getView, function () {
      var v = getView();
      var rows = [];
      if (v) { try { rows = v.data(dataName || 'source_0'); } catch (e) { rows = []; } }
      return { text: penxRowsCsv(rows.map(function (r) { return Object.assign({}, r); })) };
    });
  }

  function stepRows(h) {
    var w = (h.hi - h.lo) / h.density.length;
    var rows = h.density.map(function (d, i) { return { x: h.lo + i * w, density: d }; });
    rows.push({ x: h.hi, density: h.density[h.density.length - 1] });
    return rows;
  }

  function hist(i, layer, epoch) {
    var byEpoch = model.runs[i].hist[layer];
    return byEpoch ? byEpoch[epoch] : null;
  }

  function overlayRows(s) {
    var rows = [];
    model.runs.forEach(function (run, i) {
      var h = hist(i, s.layer, s.epoch);
      if (h) stepRows(h).forEach(function (r) { rows.push({ run: run.label, x: r.x, density: r.density }); });
    });
    return rows;
  }

  function logCell(i, layer, epoch) {
    var byLayer = model.views.runs[i].logAbs[layer];
    return byLayer ? byLayer[epoch] : null;
  }

  function logRows(s) {
    var g = model.views.logAbs, rows = [];
    model.runs.forEach(function (run, i) {
      var c = logCell(i, s.layer, s.epoch);
      if (!c) return;
      c.shares.forEach(function (share, k) { rows.push({ kind: 'bin', run: run.label, x: g.decades[0] + k / g.perDecade, share: share }); });
      rows.push({ kind: 'bin', run: run.label, x: g.decades[1], share: c.shares[c.shares.length - 1] });
      rows.push({ kind: 'zero', run: run.label, share: c.zero });
    });
    return rows;
  }

  function heatRows(s) {
    var rows = [];
    model.runs.forEach(function (run, col) {
      for (var e = 0; e <= model.lastEpoch; e++) {
        var h = hist(col, s.layer, e);
        if (!h) continue;
        var w = (h.hi - h.lo) / h.density.length;
        h.density.forEach(function (d, k) { if (d > 0) rows.push({ col: col, epoch: e, x0: h.lo + k * w, x1: h.lo + (k + 1) * w, share: d * w }); });
      }
    });
    return rows;
  }

  function heatLogRows(s) {
    var g = model.views.logAbs, rows = [];
    model.runs.forEach(function (run, col) {
      for (var e = 0; e <= model.lastEpoch; e++) {
        var c = logCell(col, s.layer, e);
        if (!c) continue;
        c.shares.forEach(function (share, k) {
          if (share > 0) rows.push({ col: col, epoch: e, x0: g.decades[0] + k / g.perDecade, x1: g.decades[0] + (k + 1) / g.perDecade, share: share });
        });
        if (c.zero > 0) rows.push({ col: col, epoch: e, x0: g.decades[0] - ZERO_GAP, x1: g.decades[0] - 0.2, share: c.zero });
      }
    });
    return rows;
  }

  function ridgeRows(s) {
    var top = Math.max(1e-12, model.axes[s.layer].ymax), floor = Math.max(1e-9, top * 1e-4), rows = [];
    function height(d) { return (s.scale === 'log' ? Math.log1p(d / floor) / Math.log1p(top / floor) : d / top) * OVERLAP; }
    model.runs.forEach(function (run, col) {
      for (var e = 0; e <= model.lastEpoch; e++) {
        var h = hist(col, s.layer, e);
        if (h) stepRows(h).forEach(function (r) { rows.push({ col: col, epoch: e, x: r.x, density: r.density, base: e, ridge: e - height(r.density) }); });
      }
    });
    return rows;
  }

  function bandRows(s) {
    var rows = [], names = ['p0', 'p7', 'p16', 'p31', 'p50', 'p69', 'p84', 'p93', 'p100'];
    model.runs.forEach(function (run, col) {
      var byLayer = model.views.runs[col].percentiles[s.layer] || [];
      byLayer.forEach(function (p, e) {
        if (!p) return;
        var row = { col: col, run: run.label, epoch: e };
        names.forEach(function (n, k) { row[n] = p[k]; });
        rows.push(row);
      });
    });
    return rows;
  }

  function build(m, s) {
    model = m;
    specs = s;
    views.heat = view('view-heatmap', specs.heatmap);
    views.heatlog = view('view-heatmap-log', specs.heatmapLog);
    views.ridge = view('view-ridgeline', specs.ridgeline);
    views.bands = view('view-bands', specs.bands);
    views.logabs = view('view-log-abs', specs.logAbs);
    views.curves = view('view-curves', specs.curves);
    views.penalty = view('view-penalty', specs.penalty);
    [['heatmap', 'heat'], ['heatmap-log', 'heatlog'], ['ridgeline', 'ridge'], ['bands', 'bands'], ['log-abs', 'logabs'], ['curves', null], ['penalty', null]].forEach(function (p) {
      downloads('view-' + p[0], p[0], function () { return views[p[1] || p[0]]; }, p[1]);
    });
    downloads('view-overlay', 'overlay', function () { return views.overlay; }, 'overlay');
    ['curves', 'penalty'].forEach(function (id) { if (views[id]) views[id].runAsync(); });
    specs.monitors.forEach(function (m) {
      views[m.id] = view('view-' + m.id, m.spec);
      downloads('view-' + m.id, m.id, function () { return views[m.id]; }, null);
      if (views[m.id]) views[m.id].runAsync();
    });
  }

  function redraw(s) {
    var jobs = [];
    if (last.scale !== s.scale || !views.overlay) {
      if (views.overlay) views.overlay.finalize();
      views.overlay = view('view-overlay', specs.overlay[s.scale]);
    }
    var axis = model.axes[s.layer];
    views.overlay.signal('ymax', axis.ymax).signal('symc', axis.symc).signal('yticks', axis.yticks);
    jobs.push(views.overlay.data('overlay', overlayRows(s)).runAsync());
    if (views.logabs) jobs.push(views.logabs.data('logabs', logRows(s)).runAsync());
    if (last.layer !== s.layer) {
      if (views.heat) jobs.push(views.heat.data('heat', heatRows(s)).runAsync());
      if (views.heatlog) jobs.push(views.heatlog.data('heatlog', heatLogRows(s)).runAsync());
      if (views.bands) jobs.push(views.bands.data('bands', bandRows(s)).runAsync());
    }
    if ((last.layer !== s.layer || last.scale !== s.scale) && views.ridge) jobs.push(views.ridge.data('ridge', ridgeRows(s)).runAsync());
    document.querySelectorAll('.view-layer').forEach(function (el) { el.textContent = s.layer === 'all' ? 'all weights' : s.layer; });
    document.querySelectorAll('.view-epoch').forEach(function (el) { el.textContent = String(s.epoch); });
    last = { layer: s.layer, scale: s.scale };
    return Promise.all(jobs);
  }

  return { build: build, redraw: redraw, downloads: downloads };
})();
`;
