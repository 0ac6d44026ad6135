// A class (or an exam) of the imported school timetable on the plan: busy time, hatched and grey,
// not a session (nothing to open or validate), read as « Cours : … » by screen readers.
import type { TimetableEvent } from '../../api/types';
import { hhmm } from '../../lib/time';

interface Props {
  e: TimetableEvent;
  tz: string;
  /** A short block of the time grid: the title only on screen (the rest for screen readers). */
  compact?: boolean;
  /** In the all-day strip: no hours. */
  allDay?: boolean;
  style?: Record<string, string>;
}

export function busyKind(e: TimetableEvent): string {
  return e.examen ? 'Examen' : 'Cours';
}

export function BusyBlock({ e, tz, compact = false, allDay = false, style }: Props) {
  const time = e.journeeEntiere || allDay ? 'toute la journée' : `${hhmm(e.debut, tz)}–${hhmm(e.fin, tz)}`;
  const hidden = compact ? 'visually-hidden' : undefined;
  return (
    <div
      class={'busy' + (e.examen ? ' busy--exam' : '') + (compact ? ' busy--compact' : '') + (allDay ? ' busy--allday' : '')}
      style={style}
      title={`${busyKind(e)} : ${e.titre}${e.lieu ? ', ' + e.lieu : ''} (${time})`}
      data-testid="timetable-event"
      data-event-id={e._id}
      data-examen={e.examen ? 'true' : 'false'}
    >
      <span class={e.examen ? 'busy-kind' : 'visually-hidden'}>
        {busyKind(e)}
        <span class="visually-hidden"> : </span>
      </span>
      <span class="busy-title">{e.titre}</span>
      {e.lieu && (
        <span class={hidden ?? 'busy-place'}>
          <span class="visually-hidden">, </span>
          {e.lieu}
        </span>
      )}
      <span class={hidden ?? 'busy-time'}>
        <span class="visually-hidden">{e.journeeEntiere || allDay ? ', ' : ', de '}</span>
        {time}
      </span>
    </div>
  );
}
