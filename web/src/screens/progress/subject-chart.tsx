// Minutes per subject: horizontal SVG bars with the figures written beside them.
import type { SubjectTotal } from '../../api/types';
import { subjectIndex } from '../../lib/subjects';
import { formatMinutes } from '../../lib/time';

const ROW = 34;
const LABEL = 130;
const BAR = 220;

export function SubjectChart({ items }: { items: SubjectTotal[] }) {
  if (items.length === 0) return <p>Aucune matière renseignée pour l’instant.</p>;
  const max = Math.max(...items.map((i) => i.tempsEtudie), 1);
  const width = LABEL + BAR + 110;
  return (
    <figure class="subject-chart" data-testid="subject-chart">
      <svg viewBox={`0 0 ${width} ${items.length * ROW}`} width={width} height={items.length * ROW} role="img" aria-labelledby="subject-chart-title" shape-rendering="crispEdges">
        <title id="subject-chart-title">
          Minutes par matière : {items.map((i) => `${i.matiere} ${formatMinutes(i.tempsEtudie)}`).join(', ')}
        </title>
        {items.map((i, k) => {
          const w = Math.max(4, Math.round((i.tempsEtudie / max) * BAR / 4) * 4);
          const y = k * ROW;
          return (
            <g data-testid="subject-bar" data-subject={i.matiere} data-minutes={i.tempsEtudie}>
              <text x={0} y={y + 21} class="chart-label">
                {i.matiere.length > 16 ? i.matiere.slice(0, 15) + '…' : i.matiere}
              </text>
              <rect x={LABEL} y={y + 6} width={w} height={20} class={`chart-bar subject-fill-${subjectIndex(i.matiere)}`} />
              <text x={LABEL + w + 8} y={y + 21} class="chart-label">
                {formatMinutes(i.tempsEtudie)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
