// Checks the WCAG contrast ratios of the colour pairs listed in src/styles/tokens.css,
// in the light and the dark theme: 4.5:1 for text, 3:1 for "ui:" pairs (borders, focus).
import { readFileSync } from 'node:fs';

const css = readFileSync(new URL('../src/styles/tokens.css', import.meta.url), 'utf8');

function vars(block) {
  const out = {};
  for (const m of block.matchAll(/--([a-z0-9-]+):\s*(#[0-9a-f]{6})\s*;/gi)) out[m[1]] = m[2].toLowerCase();
  return out;
}

function blocks(selector) {
  const re = new RegExp(selector.replace(/[[\]'()]/g, '\\$&') + '\\s*\\{([^}]*)\\}', 'g');
  return [...css.matchAll(re)].map((m) => m[1]).join('\n');
}

const light = vars(blocks(':root'));
const dark = { ...light, ...vars(blocks(":root[data-theme='dark']")) };

function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function ratio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const list = css.match(/contrast-pairs:([\s\S]*?)\*\//);
if (!list) throw new Error('contrast: no contrast-pairs comment in tokens.css');
const pairs = list[1].split(/\s+/).filter(Boolean);

let failures = 0;
for (const [theme, map] of [['clair', light], ['sombre', dark]]) {
  for (const pair of pairs) {
    const ui = pair.startsWith('ui:');
    const [fg, bg] = pair.replace(/^ui:/, '').split('/');
    if (!map[fg] || !map[bg]) {
      console.error(`contrast: unknown colour in ${pair}`);
      failures++;
      continue;
    }
    const r = ratio(map[fg], map[bg]);
    const min = ui ? 3 : 4.5;
    if (r < min) {
      console.error(`contrast (${theme}): ${pair} ${map[fg]} on ${map[bg]} = ${r.toFixed(2)} < ${min}`);
      failures++;
    }
  }
}
if (failures) process.exit(1);
console.log(`contrast: ${pairs.length} pairs OK in both themes`);
