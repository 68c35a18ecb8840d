/**
 * Download buttons for a chart, shared by the report and the dashboard: `addDownloads(box, name,
 * getView, csv)` adds PNG, SVG (unless `getView` is null: a table) and CSV buttons to `box`; the
 * images come from the chart's Vega view (`toImageURL`, `toSVG`); `csv()` returns `{ url }` (the
 * dashboard's server makes it) or `{ text }` (the report, from the view's data). Both may be
 * promises: a page whose chart waits to be drawn for the choice it shows resolves them once it is
 * (report: vega.ts's drawNow; dashboard: its newest redraw), so a file is never of an older
 * choice. Nothing is fetched from elsewhere: blob and data URLs only.
 */
import type { View } from './vega.ts';

/** Where a chart's CSV comes from: a URL of the server, or text made in the page. */
export type CsvSource = { readonly url: string } | { readonly text: string };

function save(href: string, file: string, revoke: boolean): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = file;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (revoke) setTimeout(() => URL.revokeObjectURL(href), 1000);
}

/** Fill `box` with the PNG, SVG and CSV buttons of chart `name` (see the file's comment); files are named after `name`. */
export function addDownloads(
  box: HTMLElement,
  name: string,
  getView: (() => View | null | undefined | Promise<View | null | undefined>) | null,
  csv: () => CsvSource | Promise<CsvSource>,
): void {
  box.textContent = '';
  const button = (label: string, onClick: () => void) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'download';
    b.textContent = label;
    b.setAttribute('data-download', label.toLowerCase());
    b.addEventListener('click', onClick);
    box.appendChild(b);
  };
  if (getView) {
    const view = async () => await getView();
    button('PNG', () => {
      view()
        .then((v) => v?.toImageURL('png', 2).then((url) => save(url, `${name}.png`, false)))
        .catch((error: unknown) => console.error(error));
    });
    button('SVG', () => {
      view()
        .then((v) => v?.toSVG().then((svg) => save(URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' })), `${name}.svg`, true)))
        .catch((error: unknown) => console.error(error));
    });
  }
  button('CSV', () => {
    Promise.resolve()
      .then(csv)
      .then((c) => {
        if ('url' in c) save(c.url, `${name}.csv`, false);
        else save(URL.createObjectURL(new Blob([c.text], { type: 'text/csv' })), `${name}.csv`, true);
      })
      .catch((error: unknown) => console.error(error));
  });
}
