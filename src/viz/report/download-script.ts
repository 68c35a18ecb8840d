/**
 * Download buttons for a chart, shared by the report and the dashboard (plain browser JavaScript):
 * `penxDownloads(box, name, getView, csv)` adds PNG, SVG (unless `getView` is null: a table) and CSV buttons to `box`; the images come
 * from the chart's Vega view (`toImageURL`, `toSVG`); `csv()` returns `{ url }` (the dashboard's
 * server makes it) or `{ text }` (the report, from the view's data). `penxRowsCsv(rows)` makes
 * CSV text of data rows. Nothing is fetched from elsewhere: blob and data URLs only.
 */
export const DOWNLOAD_SCRIPT = String.raw`
function penxRowsCsv(rows) {
  var columns = [];
  rows.forEach(function (r) { Object.keys(r).forEach(function (k) { if (columns.indexOf(k) < 0) columns.push(k); }); });
  function cell(v) {
    if (v === null || v === undefined) return '';
    var t = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\r\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
  }
  return [columns.map(cell).join(',')].concat(rows.map(function (r) { return columns.map(function (c) { return cell(r[c]); }).join(','); })).join('\n') + '\n';
}

function penxSave(href, file, revoke) {
  var a = document.createElement('a');
  a.href = href;
  a.download = file;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (revoke) setTimeout(function () { URL.revokeObjectURL(href); }, 1000);
}

function penxDownloads(box, name, getView, csv) {
  box.textContent = '';
  function button(label, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'download';
    b.textContent = label;
    b.setAttribute('data-download', label.toLowerCase());
    b.addEventListener('click', onClick);
    box.appendChild(b);
  }
  if (getView) button('PNG', function () {
    var view = getView();
    if (view) view.toImageURL('png', 2).then(function (url) { penxSave(url, name + '.png', false); });
  });
  if (getView) button('SVG', function () {
    var view = getView();
    if (view) view.toSVG().then(function (svg) { penxSave(URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' })), name + '.svg', true); });
  });
  button('CSV', function () {
    var c = csv();
    if (c.url) penxSave(c.url, name + '.csv', false);
    else penxSave(URL.createObjectURL(new Blob([c.text], { type: 'text/csv' })), name + '.csv', true);
  });
}
`;
