// Desktop time grid: one column per day (7 for a week, 1 for a day), sessions
// placed by time, the current time marked in today's column; the school timetable's
// classes drawn behind as busy time, its all-day events in a strip under the day names.
import { useNow } from '../../lib/hooks';
import { dayLabel, dayStart, hhmm, minutesOfDay, type Day } from '../../lib/time';
import { overlapsBusy, type DayBusy } from '../../lib/timetable';
import type { PlacedSession } from '../../state/plan';
import { BusyBlock } from './busy-block';
import { SessionBlock } from './session-block';

const HOUR_PX = 60;
const ALLDAY_ROW_PX = 30;

interface Props {
  days: Day[];
  sessionsByDay: Map<Day, PlacedSession[]>;
  tz: string;
  today: Day;
  onOpen: (s: PlacedSession) => void;
  /** The timetable's events of each day (days without any left out). */
  busyByDay?: Map<Day, DayBusy>;
}

const NO_BUSY = new Map<Day, DayBusy>();

export function WeekGrid({ days, sessionsByDay, tz, today, onOpen, busyByDay = NO_BUSY }: Props) {
  const now = useNow();
  let first = 8;
  let last = 20;
  for (const d of days) {
    for (const s of sessionsByDay.get(d) ?? []) {
      first = Math.min(first, Math.floor(minutesOfDay(s.debut, tz) / 60));
      const end = Date.parse(s.fin) >= dayStart(d, tz) + 86400000 ? 24 : Math.ceil(minutesOfDay(s.fin, tz) / 60);
      last = Math.max(last, end);
    }
    for (const b of busyByDay.get(d)?.timed ?? []) {
      first = Math.min(first, Math.floor(b.start / 60));
      last = Math.max(last, Math.ceil(b.end / 60));
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
  const allDayRows = Math.max(0, ...days.map((d) => busyByDay.get(d)?.allDay.length ?? 0));
  const allDayStyle = { height: allDayRows * ALLDAY_ROW_PX + 4 + 'px' };

  return (
    <div class={'timegrid' + (days.length === 1 ? ' timegrid--day' : '')} data-testid="time-grid">
      <div class="timegrid-hours" aria-hidden="true">
        <div class="timegrid-corner" />
        {allDayRows > 0 && <div class="timegrid-allday-corner" style={allDayStyle} />}
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
        const busy = busyByDay.get(d);
        const dayEvents = busy?.timed.map((b) => b.e) ?? [];
        const isToday = d === today;
        return (
          <section class={'timegrid-day' + (isToday ? ' is-today' : '')} aria-labelledby={'day-' + d} data-day={d}>
            <h3 class="timegrid-head" id={'day-' + d}>
              <a href={`/planning/jour?date=${d}`}>
                {dayLabel(d, { weekday: 'short', day: 'numeric', month: 'short' })}
                {isToday && <span class="visually-hidden"> (aujourd’hui{nowShown ? '' : `, il est ${hhmm(now, tz)}`})</span>}
              </a>
            </h3>
            {allDayRows > 0 && (
              <ul class="timegrid-allday" style={allDayStyle} aria-label="Toute la journée">
                {busy?.allDay.map((e) => (
                  <li>
                    <BusyBlock e={e} tz={tz} allDay compact />
                  </li>
                ))}
              </ul>
            )}
            <div class="timegrid-col" style={{ height: height + 'px' }}>
              {hours.map((h) => (
                <div class="timegrid-line" style={{ top: y(h * 60) + 'px' }} aria-hidden="true" />
              ))}
              {busy && busy.timed.length > 0 && (
                <ul class="timegrid-busy" aria-label="Emploi du temps">
                  {busy.timed.map((b) => {
                    const top = y(b.start);
                    const h = Math.max(24, y(b.end) - top);
                    return (
                      <li>
                        <BusyBlock e={b.e} tz={tz} compact={h < 56} style={{ top: top + 'px', height: h + 'px' }} />
                      </li>
                    );
                  })}
                </ul>
              )}
              {list.length === 0 && <p class="visually-hidden">Aucune session.</p>}
              <ul class="timegrid-sessions">
                {list.map((s) => {
                  const start = Math.max(Date.parse(s.debut), dayStart(d, tz));
                  const top = y(start === Date.parse(s.debut) ? minutesOfDay(s.debut, tz) : 0);
                  const endMin = Date.parse(s.fin) >= dayStart(d, tz) + 86400000 ? 1440 : minutesOfDay(s.fin, tz);
                  const h = Math.max(24, y(endMin) - top);
                  // Over a class, a session leaves the class's name readable on its left.
                  const style: Record<string, string> = { top: top + 'px', height: h + 'px' };
                  if (overlapsBusy(s.debut, s.fin, dayEvents)) style.left = '40%';
                  return (
                    <li>
                      <SessionBlock s={s} tz={tz} onOpen={onOpen} compact={h < 56} style={style} />
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
