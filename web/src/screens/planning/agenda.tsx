// Phone layout of the day and week views: a list per day, with the one-tap « Fait »; the school
// timetable's classes in it too, by time, as busy time (its all-day events first).
import { useNow } from '../../lib/hooks';
import { dayLabel, dayStart, hhmm, type Day } from '../../lib/time';
import type { DayBusy } from '../../lib/timetable';
import type { PlacedSession } from '../../state/plan';
import { BusyBlock } from './busy-block';
import { DoneButton, SessionBlock } from './session-block';

interface Props {
  days: Day[];
  sessionsByDay: Map<Day, PlacedSession[]>;
  tz: string;
  today: Day;
  onOpen: (s: PlacedSession) => void;
  /** The range's sessions are still on their way: days are drawn once they are known. */
  pending?: boolean;
  /** The timetable's events of each day (days without any left out). */
  busyByDay?: Map<Day, DayBusy>;
}

type Item = { at: number; s: PlacedSession; busy?: undefined } | { at: number; busy: DayBusy['timed'][number]; s?: undefined };

export function Agenda({ days, sessionsByDay, tz, today, onOpen, pending = false, busyByDay }: Props) {
  const now = useNow();
  // A week keeps at least most of a screen's height whether it is loading, empty or full, and its
  // days appear only with their sessions: nothing on screen moves when the plan arrives.
  return (
    <div class={'agenda' + (days.length > 1 ? ' agenda--week' : '')} data-testid="agenda" aria-busy={pending}>
      {!pending && days.map((d) => {
        const list = sessionsByDay.get(d) ?? [];
        const busy = busyByDay?.get(d);
        const start = busy ? dayStart(d, tz) : 0;
        const items: Item[] = list.map((s) => ({ at: Date.parse(s.debut), s }));
        for (const b of busy?.timed ?? []) items.push({ at: Math.max(start, Date.parse(b.e.debut)), busy: b });
        // Stable: sessions keep their order; a class comes before a session starting at the same time.
        if (busy) items.sort((a, b) => a.at - b.at || (a.busy ? -1 : 0) + (b.busy ? 1 : 0));
        const isToday = d === today;
        let nowShown = false;
        return (
          <section class={'agenda-day' + (isToday ? ' is-today' : '')} aria-labelledby={'aday-' + d} data-day={d}>
            <h3 id={'aday-' + d}>
              <a href={`/planning/jour?date=${d}`}>{dayLabel(d)}</a>
              {isToday && <span class="today-tag"> (aujourd’hui)</span>}
            </h3>
            {busy && busy.allDay.length > 0 && (
              <ul class="agenda-allday" aria-label="Toute la journée">
                {busy.allDay.map((e) => (
                  <li>
                    <BusyBlock e={e} tz={tz} allDay />
                  </li>
                ))}
              </ul>
            )}
            {items.length === 0 ? (
              <p class="agenda-empty">Aucune session.</p>
            ) : (
              <ul class="agenda-list">
                {items.map(({ at, s, busy: b }) => {
                  const marker = isToday && !nowShown && at > now;
                  if (marker) nowShown = true;
                  return (
                    <>
                      {marker && (
                        <li class="now-row" data-testid="now-line">
                          <span>Maintenant · {hhmm(now, tz)}</span>
                        </li>
                      )}
                      {s ? (
                        <li class="agenda-item">
                          <SessionBlock s={s} tz={tz} onOpen={onOpen} />
                          <DoneButton s={s} tz={tz} />
                        </li>
                      ) : (
                        <li class="agenda-item agenda-busy">
                          <BusyBlock e={b!.e} tz={tz} />
                        </li>
                      )}
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
