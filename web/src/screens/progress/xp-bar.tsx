// The pixel XP bar: 20 blocks filled towards the next level.
import { levelOf } from '../../lib/xp';

const BLOCKS = 20;

export function XpBar({ minutes }: { minutes: number }) {
  const l = levelOf(minutes);
  const part = (l.xp - l.floor) / (l.next - l.floor);
  const filled = Math.floor(part * BLOCKS);
  return (
    <div class="xp" data-testid="xp">
      <p class="xp-level pixel">
        Niveau <span data-testid="xp-level">{l.level}</span>
      </p>
      <div
        class="xp-bar"
        role="progressbar"
        aria-label={`Progression vers le niveau ${l.level + 1}`}
        aria-valuemin={l.floor}
        aria-valuemax={l.next}
        aria-valuenow={l.xp}
        aria-valuetext={`${l.xp} XP sur ${l.next}`}
      >
        <svg viewBox={`0 0 ${BLOCKS * 6} 8`} width="100%" height="24" preserveAspectRatio="none" aria-hidden="true" shape-rendering="crispEdges">
          {Array.from({ length: BLOCKS }, (_, i) => (
            <rect x={i * 6 + 1} y={1} width={5} height={6} class={i < filled ? 'xp-on' : 'xp-off'} />
          ))}
        </svg>
      </div>
      <p class="xp-text">
        {l.xp} XP · encore {l.next - l.xp} XP pour le niveau {l.level + 1} (1 XP par minute étudiée)
      </p>
    </div>
  );
}
