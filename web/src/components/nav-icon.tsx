// Small pixel icons for the main navigation (8x8 grids, decorative).
const ICONS: Record<string, string[]> = {
  planning: ['########', '#.#..#.#', '########', '#......#', '#.##.#.#', '#......#', '#.#.##.#', '########'],
  coach: ['.######.', '#......#', '#.#..#.#', '#......#', '#.####.#', '.######.', '..#.....', '.#......'],
  progres: ['.......#', '......##', '.....#.#', '#...#..#', '##.#...#', '#.#....#', '#......#', '########'],
  reglages: ['...##...', '.#.##.#.', '..####..', '###..###', '###..###', '..####..', '.#.##.#.', '...##...'],
};

/** One path for a whole icon: each horizontal run of `#` a rectangle of it. */
function pathOf(rows: string[]): string {
  let d = '';
  rows.forEach((row, y) => {
    for (const run of row.matchAll(/#+/g)) d += `M${run.index} ${y}h${run[0].length}v1h-${run[0].length}z`;
  });
  return d;
}

const PATHS: Record<string, string> = Object.fromEntries(Object.entries(ICONS).map(([name, rows]) => [name, pathOf(rows)]));

export function NavIcon({ name }: { name: string }) {
  return (
    <svg class="nav-icon" width="24" height="24" viewBox="0 0 8 8" shape-rendering="crispEdges" aria-hidden="true" focusable="false">
      <path d={PATHS[name] ?? ''} />
    </svg>
  );
}
