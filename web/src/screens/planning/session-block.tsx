// A session on the plan: a button coloured by subject that opens its details, and
// the one-tap « Fait » button.
import type { Session } from '../../api/types';
import { hhmm } from '../../lib/time';
import { STATUT_ICON, STATUT_LABEL, subjectClass } from '../../lib/subjects';
import { online } from '../../state/network';
import type { PlacedSession } from '../../state/plan';
import { markDone } from './actions';

interface BlockProps {
  s: PlacedSession;
  tz: string;
  onOpen: (s: PlacedSession) => void;
  compact?: boolean;
  style?: Record<string, string>;
}

export function SessionBlock({ s, tz, onOpen, compact, style }: BlockProps) {
  const time = `${hhmm(s.debut, tz)}–${hhmm(s.fin, tz)}`;
  return (
    <button
      type="button"
      class={`session ${subjectClass(s.matiere)} statut-${s.statut}${compact ? ' session--compact' : ''}`}
      style={style}
      onClick={() => onOpen(s)}
      data-testid="session-block"
      data-session-id={s._id}
      data-planning-id={s.planningId}
      data-statut={s.statut}
      aria-haspopup="dialog"
    >
      <span class="session-subject">{s.matiere}</span>
      <span class={compact ? 'visually-hidden' : 'session-time'}>
        <span class="visually-hidden">, de </span>
        {time}
      </span>
      <span class="session-status">
        <span aria-hidden="true">{STATUT_ICON[s.statut]} </span>
        <span class={compact ? 'visually-hidden' : ''}>
          {compact ? ', ' : ''}
          {STATUT_LABEL[s.statut]}
        </span>
      </span>
    </button>
  );
}

export function DoneButton({ s, tz }: { s: PlacedSession; tz: string }) {
  if (s.statut === 'termine') return null;
  return (
    <button
      type="button"
      class="btn btn--small btn--primary done-btn"
      data-testid="session-done"
      data-session-id={s._id}
      disabled={!online.value}
      onClick={() => void markDone(s.planningId, s as Session)}
    >
      <span aria-hidden="true">✓ </span>
      Fait
      <span class="visually-hidden">
        {' '}
        : {s.matiere} à {hhmm(s.debut, tz)}
      </span>
    </button>
  );
}
