// PixelCoach, drawn from the pixel grid in assets/pixelcoach.json (SVG rects).
import art from '../assets/pixelcoach.json';

interface Art {
  palette: Record<string, string>;
  rows: string[];
}

const { palette, rows } = art as Art;
const rects: { x: number; y: number; fill: string }[] = [];
rows.forEach((row, y) => {
  [...row].forEach((ch, x) => {
    if (ch !== '.') rects.push({ x, y, fill: palette[ch] ?? '#000' });
  });
});

export function Avatar({ size = 48, label }: { size?: number; label?: string }) {
  return (
    <svg
      class="avatar"
      width={size}
      height={size}
      viewBox="0 0 16 16"
      shape-rendering="crispEdges"
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : 'true'}
      focusable="false"
    >
      {rects.map((r) => (
        <rect x={r.x} y={r.y} width="1" height="1" fill={r.fill} />
      ))}
    </svg>
  );
}
