// Draws the PixelCoach icons (SVG and PNG) from src/assets/pixelcoach.json.
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const art = JSON.parse(readFileSync(new URL('../src/assets/pixelcoach.json', import.meta.url), 'utf8'));
const BG = '#ffcd75';
const PAD = 4; // cells of background around the 16x16 art (safe zone for maskable icons)
const GRID = art.rows.length + 2 * PAD;

function cell(x, y) {
  const row = art.rows[y - PAD];
  const ch = row?.[x - PAD];
  return ch && ch !== '.' ? art.palette[ch] : BG;
}

export function pixelIconSvg() {
  const rects = [`<rect width="${GRID}" height="${GRID}" fill="${BG}"/>`];
  art.rows.forEach((row, y) => {
    [...row].forEach((ch, x) => {
      if (ch !== '.') rects.push(`<rect x="${x + PAD}" y="${y + PAD}" width="1" height="1" fill="${art.palette[ch]}"/>`);
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${GRID} ${GRID}" shape-rendering="crispEdges">${rects.join('')}</svg>\n`;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A square RGB PNG of the icon, nearest-neighbour scaled to size x size. */
export function pixelIconPng(size) {
  const raw = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const hex = cell(Math.floor((x * GRID) / size), Math.floor((y * GRID) / size));
      const o = y * (size * 3 + 1) + 1 + x * 3;
      raw[o] = parseInt(hex.slice(1, 3), 16);
      raw[o + 1] = parseInt(hex.slice(3, 5), 16);
      raw[o + 2] = parseInt(hex.slice(5, 7), 16);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
