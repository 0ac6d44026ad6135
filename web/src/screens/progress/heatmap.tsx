// A year of study days as an SVG grid (weeks as columns, Monday on top). Each
// cell's level is drawn as a growing square too, so it reads without colour.
import type { DayTotal } from '../../api/types';
import { addDays, dayLabel, daysBetween, parseDay, startOfWeek, type Day } from '../../lib/time';
import { formatMinutes } from '../../lib/time';

const CELL = 14;
const GAP = 3;
const LEFT = 30;
const TOP = 18;

export function level(min: number): number {
  if (min <= 0) return 0;
  if (min < 30) return 1;
  if (min < 60) return 2;
  if (min < 120) return 3;
  return 4;
}

/** Side of the inner square per level: small enough that the cell's colour stays dominant. */
const MARK = [0, 2, 3, 4, 5];

const LEVEL_TEXT = ['aucune étude', 'moins de 30 min', '30 à 59 min', '1 h à 2 h', '2 h ou plus'];

export function Heatmap({ days, today }: { days: DayTotal[]; today: Day }) {
  const byDay = new Map(days.map((d) => [d.date, d]));
  const first = startOfWeek(addDays(today, -364));
  const weeks = Math.floor(daysBetween(first, today) / 7) + 1;
  const width = LEFT + weeks * (CELL + GAP);
  const height = TOP + 7 * (CELL + GAP);
  const cells = [];
  const months = [];
  let lastMonth = -1;
  const studied = days.filter((d) => d.date >= first && d.date <= today).length;
  for (let w = 0; w < weeks; w++) {
    const monday = addDays(first, w * 7);
    const m = parseDay(monday).month;
    if (m !== lastMonth) {
      lastMonth = m;
      months.push(
        <text x={LEFT + w * (CELL + GAP)} y={12} class="heat-label">
          {dayLabel(monday, { month: 'short' })}
        </text>,
      );
    }
    for (let i = 0; i < 7; i++) {
      const d = addDays(monday, i);
      if (d > today) break;
      const t = byDay.get(d);
      const min = t?.tempsEtudie ?? 0;
      const lv = level(min);
      const x = LEFT + w * (CELL + GAP);
      const y = TOP + i * (CELL + GAP);
      const inner = MARK[lv]!;
      cells.push(
        <g data-testid="heatmap-cell" data-date={d} data-minutes={min} data-level={lv}>
          <title>
            {dayLabel(d, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })} :{' '}
            {min ? `${formatMinutes(min)}, ${t!.sessionsCompletees} session${t!.sessionsCompletees > 1 ? 's' : ''}` : 'aucune étude'}
          </title>
          <rect x={x} y={y} width={CELL} height={CELL} class={'heat heat-' + lv} />
          {inner > 0 && <rect x={x + (CELL - inner) / 2} y={y + (CELL - inner) / 2} width={inner} height={inner} class="heat-mark" />}
        </g>,
      );
    }
  }
  return (
    <figure class="heatmap" data-testid="heatmap">
      <div class="heatmap-scroll" tabIndex={0} role="group" aria-label="Calendrier des jours d’étude, défilable">
        <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="heatmap-caption" shape-rendering="crispEdges">
          {months}
          {['lun', 'mer', 'ven'].map((l, k) => (
            <text x={0} y={TOP + (k * 2 + 1) * (CELL + GAP) - 4} class="heat-label">
              {l}
            </text>
          ))}
          {cells}
        </svg>
      </div>
      <figcaption id="heatmap-caption">
        {studied} jour{studied > 1 ? 's' : ''} d’étude sur les 12 derniers mois. Survole une case pour le détail.
      </figcaption>
      <ul class="heat-legend" aria-label="Légende">
        {LEVEL_TEXT.map((t, lv) => (
          <li>
            <svg width="16" height="16" viewBox="0 0 14 14" aria-hidden="true" shape-rendering="crispEdges">
              <rect width="14" height="14" class={'heat heat-' + lv} />
              {lv > 0 && <rect x={(14 - MARK[lv]!) / 2} y={(14 - MARK[lv]!) / 2} width={MARK[lv]} height={MARK[lv]} class="heat-mark" />}
            </svg>
            {t}
          </li>
        ))}
      </ul>
    </figure>
  );
}
