// pixels.mjs: what the browser tests read off screenshots of the view (pngjs images).
import { readFileSync } from 'node:fs';
import { ROOT } from './server.mjs';

// The clear colour as canvas bytes, read from its owner, app/render.h (RENDER_CLEAR_R/G/B;
// the canvas is not gamma-mapped).
const header = readFileSync(`${ROOT}/app/render.h`, 'utf8');
export const CLEAR = ['R', 'G', 'B'].map((c) => {
  const m = header.match(new RegExp(`#define RENDER_CLEAR_${c} ([0-9.]+)f`));
  if (!m) throw new Error(`app/render.h: RENDER_CLEAR_${c} not found`);
  return Math.round(Number(m[1]) * 255);
});

// Fraction of pixels whose colours differ between two shots by more than `limit` (the sum
// of the absolute differences of the first `channels` channels).
export function differ(a, b, limit = 30, channels = 3) {
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    let d = 0;
    for (let c = 0; c < channels; c++) d += Math.abs(a.data[i + c] - b.data[i + c]);
    if (d > limit) n++;
  }
  return n / (a.width * a.height);
}

// Whether pixel (x, y) of png is farther than `limit` from the clear colour.
export const drawnAt = (png, x, y, limit) => {
  const i = 4 * (y * png.width + x);
  return Math.abs(png.data[i] - CLEAR[0]) + Math.abs(png.data[i + 1] - CLEAR[1]) + Math.abs(png.data[i + 2] - CLEAR[2]) > limit;
};

// The point (page coordinates, the pixel's centre) nearest the centre of a png shot of an
// element with bounding box `box` where test(x, y) holds over a whole 13 x 13 px patch
// (inside a solid area, not on a thin line such as the box's); null when there is none.
export function solidPoint(png, box, test) {
  let best = null;
  for (let y = 8; y < png.height - 8; y += 2) {
    for (let x = 8; x < png.width - 8; x += 2) {
      let solid = true;
      for (let dy = -6; dy <= 6 && solid; dy += 3) for (let dx = -6; dx <= 6 && solid; dx += 3) solid = test(x + dx, y + dy);
      const r = (x - png.width / 2) ** 2 + (y - png.height / 2) ** 2;
      if (solid && (!best || r < best.r)) best = { x, y, r };
    }
  }
  return best && { x: box.x + (best.x + 0.5) * box.width / png.width, y: box.y + (best.y + 0.5) * box.height / png.height };
}

// Fraction of png's pixels farther than `limit` from the clear colour (what is drawn).
export function drawnShare(png, limit) {
  let n = 0;
  for (let y = 0; y < png.height; y++) for (let x = 0; x < png.width; x++) n += drawnAt(png, x, y, limit);
  return n / (png.width * png.height);
}

// Fraction of pixels that pass test(r, g, b).
export function share(png, test) {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) if (test(png.data[i], png.data[i + 1], png.data[i + 2])) n++;
  return n / (png.width * png.height);
}

// The pixels connected to (x, y) (4-neighbours) where test(r, g, b) holds, as [r, g, b]s.
export function floodFrom(png, x, y, test) {
  const W = png.width, H = png.height, seen = new Uint8Array(W * H), stack = [y * W + x], out = [];
  while (stack.length) {
    const k = stack.pop();
    if (seen[k]) continue;
    seen[k] = 1;
    const d = png.data, i = 4 * k;
    if (!test(d[i], d[i + 1], d[i + 2])) continue;
    out.push([d[i], d[i + 1], d[i + 2]]);
    const px = k % W;
    if (px > 0) stack.push(k - 1);
    if (px < W - 1) stack.push(k + 1);
    if (k >= W) stack.push(k - W);
    if (k < W * (H - 1)) stack.push(k + W);
  }
  return out;
}
