import type { RgbaImage } from './png';

/**
 * The Teams app icons, drawn from code: three falling bars on a baseline (customers slipping away).
 * Teams asks for a 192x192 full-colour icon and a 32x32 outline icon that is white on a transparent background
 * (Microsoft Learn, "App icons for Teams Store and app bar").
 */

/** The accent colour of the app; the manifest's accentColor uses the same value. */
export const ACCENT_HEX = '#0B6A6E';

type Rgba = readonly [number, number, number, number];

const WHITE: Rgba = [255, 255, 255, 255];

function hexToRgba(hex: string): Rgba {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [Number.parseInt(m[1], 16), Number.parseInt(m[2], 16), Number.parseInt(m[3], 16), 255];
}

function blank(size: number): RgbaImage {
  return { width: size, height: size, pixels: new Uint8Array(size * size * 4) };
}

function fillRect(img: RgbaImage, x0: number, y0: number, x1: number, y1: number, colour: Rgba): void {
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x++) {
      img.pixels.set(colour, (y * img.width + x) * 4);
    }
  }
}

/** Draws the glyph (three bars of falling height over a baseline) into the square [inset, size - inset). */
function drawGlyph(img: RgbaImage, inset: number, colour: Rgba): void {
  const span = img.width - 2 * inset;
  const gap = Math.max(1, Math.round(span / 12));
  const barWidth = Math.floor((span - 2 * gap) / 3);
  const baseline = Math.max(1, Math.round(span / 14));
  const bottom = img.height - inset - baseline;
  const heights = [0.85, 0.58, 0.3];
  heights.forEach((h, i) => {
    const x = inset + i * (barWidth + gap);
    fillRect(img, x, bottom - Math.round(h * (span - baseline)), x + barWidth, bottom, colour);
  });
  fillRect(
    img,
    inset,
    bottom + Math.max(1, Math.floor(gap / 2)),
    img.width - inset,
    img.height - inset,
    colour,
  );
}

/** The 192x192 colour icon: white glyph on the accent colour, edge to edge. */
export function colorIcon(): RgbaImage {
  const img = blank(192);
  fillRect(img, 0, 0, 192, 192, hexToRgba(ACCENT_HEX));
  drawGlyph(img, 40, WHITE);
  return img;
}

/** The 32x32 outline icon: the same glyph, white, on a fully transparent background. */
export function outlineIcon(): RgbaImage {
  const img = blank(32);
  drawGlyph(img, 4, WHITE);
  return img;
}
