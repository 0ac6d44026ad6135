// Desktop time grid: one column per day (7 for a week, 1 for a day), sessions
// placed by time, the current time marked in today's column.
import { useNow } from '../../lib/hooks';
import { dayLabel, dayStart, hhmm, minutesOfDay, type Day } from '../../lib/time';
import type { PlacedSession } from '../../state/plan';
import { SessionBlock } from './session-block';

const HOUR_PX = 60;

interface Props {
  days: Day[];
  sessionsByDay: Map<Day, PlacedSession[]>;
  tz: string;
  today: Day;
  onOpen: (s: PlacedSession) => void;
}

export function WeekGrid({ days, sessionsByDay, tz, today, onOpen }: Props) {
  const now = useNow();
  let first = 8;
  let last = 20;
  for (const d of days) {
    for (const s of sessionsByDay.get(d) ?? []) {
      first = Math.min(first, Math.floor(minutesOfDay(s.debut, tz) / 60));
      const end = Date.parse(s.fin) >= dayStart(d, tz) + 86400000 ? 24 : Math.ceil(minutesOfDay(s.fin, tz) / 60);
      last = Math.max(last, end);
    }
  }
  // The grid stretches to show the current time, except at night.
  const nowHour = Math.floor(minutesOfDay(now, tz) / 60);
  if (days.includes(today) && nowHour >= 6) {
    first = Math.min(first, nowHour);
    last = Math.max(last, nowHour + 1);
  }
  const nowShown = days.includes(today) && nowHour >= first && nowHour < last;
  const hours = Array.from({ length: last - first }, (_, i) => first + i);
  const height = (last - first) * HOUR_PX;
  const y = (min: number) => ((min - first * 60) / 60) * HOUR_PX;

  return (
    <div class={'timegrid' + (days.length === 1 ? ' timegrid--day' : '')} data-testid="time-grid">
      <div class="timegrid-hours" aria-hidden="true">
        <div class="timegrid-corner" />
        <div class="timegrid-scale" style={{ height: height + 'px' }}>
          {hours.map((h) => (
            <span class="timegrid-hour" style={{ top: y(h * 60) + 'px' }}>
              {String(h).padStart(2, '0')}:00
            </span>
          ))}
        </div>
      </div>
      {days.map((d) => {
        const list = sessionsByDay.get(d) ?? [];
        const isToday = d === today;
        return (
          <section class={'timegrid-day' + (isToday ? ' is-today' : '')} aria-labelledby={'day-' + d} data-day={d}>
            <h3 class="timegrid-head" id={'day-' + d}>
              <a href={`/planning/jour?date=${d}`}>
                {dayLabel(d, { weekday: 'short', day: 'numeric', month: 'short' })}
                {isToday && <span class="visually-hidden"> (aujourd’hui{nowShown ? '' : `, il est ${hhmm(now, tz)}`})</span>}
              </a>
            </h3>
            <div class="timegrid-col" style={{ height: height + 'px' }}>
              {hours.map((h) => (
                <div class="timegrid-line" style={{ top: y(h * 60) + 'px' }} aria-hidden="true" />
              ))}
              {list.length === 0 && <p class="visually-hidden">Aucune session.</p>}
              <ul class="timegrid-sessions">
                {list.map((s) => {
                  const start = Math.max(Date.parse(s.debut), dayStart(d, tz));
                  const top = y(start === Date.parse(s.debut) ? minutesOfDay(s.debut, tz) : 0);
                  const endMin = Date.parse(s.fin) >= dayStart(d, tz) + 86400000 ? 1440 : minutesOfDay(s.fin, tz);
                  const h = Math.max(24, y(endMin) - top);
                  return (
                    <li>
                      <SessionBlock s={s} tz={tz} onOpen={onOpen} compact={h < 56} style={{ top: top + 'px', height: h + 'px' }} />
                    </li>
                  );
                })}
              </ul>
              {isToday && nowShown && (
                <div class="now-line" data-testid="now-line" style={{ top: y(minutesOfDay(now, tz)) + 'px' }}>
                  <span class="now-label">
                    <span class="visually-hidden">Il est </span>
                    {hhmm(now, tz)}
                  </span>
                </div>
              )}
            </div>
          </section>
        );
      })}
    </div>
  );
}
