/**
 * Debian's headless Chromium, as the page tests drive it with playwright-core: where it is, the
 * flags that keep it quiet (no GPU, no network of its own, no sync), and whether it is here.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const hasChromium = existsSync(CHROMIUM);

/**
 * Where on `page` a heatmap cell drawn on the canvas in `selector` is: the first coloured pixel (left to
 * right, the first panel's cells; the legend is below) whose neighbours share its colour, in page
 * coordinates; null when the canvas has none.
 */
export function heatmapCell(page: Page, selector: string): Promise<{ x: number; y: number } | null> {
  return page.$eval(`${selector} canvas`, (el) => {
    const canvas = el as HTMLCanvasElement;
    const { data, width, height } = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height) ?? { data: [], width: 0, height: 0 };
    const at = (x: number, y: number) => Array.from({ length: 3 }, (_, k) => data[(y * width + x) * 4 + k] as number);
    const coloured = (x: number, y: number) => {
      const [r, g, b] = at(x, y) as [number, number, number];
      return Math.max(r, g, b) - Math.min(r, g, b) > 60 && at(x + 1, y).join() === at(x, y).join() && at(x, y + 1).join() === at(x, y).join();
    };
    const box = canvas.getBoundingClientRect();
    for (let x = 0; x < width - 1; x++)
      for (let y = 0; y < height - 1; y++)
        if (coloured(x, y)) return { x: box.left + ((x + 0.5) * box.width) / width, y: box.top + ((y + 0.5) * box.height) / height };
    return null;
  });
}

/** A heatmap cell's tooltip, as Vega's handler sets it on the chart's `title` (on canvas as on SVG). */
export const HEATMAP_TOOLTIP = /^epoch: \d+\nfrom: .+\nto: .+\nshare: .+%$/;
