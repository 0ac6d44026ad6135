// Month view: a table of weeks (Monday first); each day lists its sessions.
import { addDays, dayLabel, parseDay, startOfWeek, type Day } from '../../lib/time';
import type { PlacedSession } from '../../state/plan';
import { SessionBlock } from './session-block';

const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

interface Props {
  monthStart: Day;
  sessionsByDay: Map<Day, PlacedSession[]>;
  tz: string;
  today: Day;
  onOpen: (s: PlacedSession) => void;
  wide: boolean;
}

export function MonthGrid({ monthStart, sessionsByDay, tz, today, onOpen, wide }: Props) {
  const month = parseDay(monthStart).month;
  const first = startOfWeek(monthStart);
  const weeks: Day[][] = [];
  for (let w = 0; w < 6; w++) {
    const row = Array.from({ length: 7 }, (_, i) => addDays(first, w * 7 + i));
    if (w > 0 && parseDay(row[0]!).month !== month) break;
    weeks.push(row);
  }
  const max = wide ? 3 : 0;
  return (
    <table class="month" data-testid="month-grid">
      <caption class="visually-hidden">{dayLabel(monthStart, { month: 'long', year: 'numeric' })}</caption>
      <thead>
        <tr>
          {WEEKDAYS.map((w) => (
            <th scope="col">
              <abbr title={w}>{w.slice(0, 3)}</abbr>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((row) => (
          <tr>
            {row.map((d) => {
              const list = sessionsByDay.get(d) ?? [];
              const other = parseDay(d).month !== month;
              return (
                <td class={(other ? 'is-other' : '') + (d === today ? ' is-today' : '')} data-day={d}>
                  <a class="month-day" href={`/planning/jour?date=${d}`} aria-current={d === today ? 'date' : undefined}>
                    <span aria-hidden="true">{parseDay(d).day}</span>
                    <span class="visually-hidden">
                      {dayLabel(d)}
                      {list.length ? `, ${list.length} session${list.length > 1 ? 's' : ''}` : ''}
                    </span>
                  </a>
                  {max > 0 ? (
                    <ul class="month-sessions">
                      {list.slice(0, max).map((s) => (
                        <li>
                          <SessionBlock s={s} tz={tz} onOpen={onOpen} compact />
                        </li>
                      ))}
                      {list.length > max && (
                        <li>
                          <a href={`/planning/jour?date=${d}`} class="month-more">
                            +{list.length - max}
                            <span class="visually-hidden"> autres sessions</span>
                          </a>
                        </li>
                      )}
                    </ul>
                  ) : (
                    list.length > 0 && (
                      <span class="month-count" aria-hidden="true">
                        {'■'.repeat(Math.min(list.length, 3))}
                      </span>
                    )
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
