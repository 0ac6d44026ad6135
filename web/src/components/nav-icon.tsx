// Small pixel icons for the main navigation (8x8 grids, decorative).
const ICONS: Record<string, string[]> = {
  planning: ['########', '#.#..#.#', '########', '#......#', '#.##.#.#', '#......#', '#.#.##.#', '########'],
  coach: ['.######.', '#......#', '#.#..#.#', '#......#', '#.####.#', '.######.', '..#.....', '.#......'],
  progres: ['.......#', '......##', '.....#.#', '#...#..#', '##.#...#', '#.#....#', '#......#', '########'],
  reglages: ['...##...', '.#.##.#.', '..####..', '###..###', '###..###', '..####..', '.#.##.#.', '...##...'],
};

export function NavIcon({ name }: { name: string }) {
  const rows = ICONS[name] ?? [];
  return (
    <svg class="nav-icon" width="24" height="24" viewBox="0 0 8 8" shape-rendering="crispEdges" aria-hidden="true" focusable="false">
      {rows.flatMap((row, y) => [...row].map((c, x) => (c === '#' ? <rect x={x} y={y} width="1" height="1" /> : null)))}
    </svg>
  );
}
