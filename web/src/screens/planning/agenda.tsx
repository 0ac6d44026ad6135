// Phone layout of the day and week views: a list per day, with the one-tap « Fait ».
import { useNow } from '../../lib/hooks';
import { dayLabel, hhmm, type Day } from '../../lib/time';
import type { PlacedSession } from '../../state/plan';
import { DoneButton, SessionBlock } from './session-block';

interface Props {
  days: Day[];
  sessionsByDay: Map<Day, PlacedSession[]>;
  tz: string;
  today: Day;
  onOpen: (s: PlacedSession) => void;
  /** The range's sessions are still on their way: days are drawn once they are known. */
  pending?: boolean;
}

export function Agenda({ days, sessionsByDay, tz, today, onOpen, pending = false }: Props) {
  const now = useNow();
  // A week keeps at least most of a screen's height whether it is loading, empty or full, and its
  // days appear only with their sessions: nothing on screen moves when the plan arrives.
  return (
    <div class={'agenda' + (days.length > 1 ? ' agenda--week' : '')} data-testid="agenda" aria-busy={pending}>
      {!pending && days.map((d) => {
        const list = sessionsByDay.get(d) ?? [];
        const isToday = d === today;
        let nowShown = false;
        return (
          <section class={'agenda-day' + (isToday ? ' is-today' : '')} aria-labelledby={'aday-' + d} data-day={d}>
            <h3 id={'aday-' + d}>
              <a href={`/planning/jour?date=${d}`}>{dayLabel(d)}</a>
              {isToday && <span class="today-tag"> (aujourd’hui)</span>}
            </h3>
            {list.length === 0 ? (
              <p class="agenda-empty">Aucune session.</p>
            ) : (
              <ul class="agenda-list">
                {list.map((s) => {
                  const marker = isToday && !nowShown && Date.parse(s.debut) > now;
                  if (marker) nowShown = true;
                  return (
                    <>
                      {marker && (
                        <li class="now-row" data-testid="now-line">
                          <span>Maintenant · {hhmm(now, tz)}</span>
                        </li>
                      )}
                      <li class="agenda-item">
                        <SessionBlock s={s} tz={tz} onOpen={onOpen} />
                        <DoneButton s={s} tz={tz} />
                      </li>
                    </>
                  );
                })}
                {isToday && !nowShown && (
                  <li class="now-row" data-testid="now-line">
                    <span>Maintenant · {hhmm(now, tz)}</span>
                  </li>
                )}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}
