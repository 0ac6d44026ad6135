// PixelCoach, drawn from the pixel grid in assets/pixelcoach.json: one SVG path per colour, each
// horizontal run of pixels one rectangle of it (a handful of nodes rather than one per pixel).
import art from '../assets/pixelcoach.json';

interface Art {
  palette: Record<string, string>;
  rows: string[];
}

const { palette, rows } = art as Art;
const pathsByColour = new Map<string, string>();
rows.forEach((row, y) => {
  for (let x = 0; x < row.length; ) {
    const ch = row[x]!;
    let end = x + 1;
    while (end < row.length && row[end] === ch) end++;
    if (ch !== '.') {
      const fill = palette[ch] ?? '#000';
      pathsByColour.set(fill, (pathsByColour.get(fill) ?? '') + `M${x} ${y}h${end - x}v1h${x - end}z`);
    }
    x = end;
  }
});
const paths = [...pathsByColour].map(([fill, d]) => ({ fill, d }));

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
      {paths.map((p) => (
        <path d={p.d} fill={p.fill} />
      ))}
    </svg>
  );
}
