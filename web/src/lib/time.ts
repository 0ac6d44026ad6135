// Time-zone math with Intl only. A "day" is a plain 'YYYY-MM-DD' string in the
// student's zone; instants are epoch milliseconds or ISO strings.

export type Day = string;

/** Orders ISO dates and instants (UTC, same shape) chronologically by plain code-unit comparison.
 * Not localeCompare: that starts ICU's collator, tens of milliseconds on a phone's first render. */
export function compareIso(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(tz: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(tz, f);
  }
  return f;
}

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time in `tz` at an instant. */
export function wallTime(instant: number, tz: string): WallTime {
  const out: Record<string, number> = {};
  for (const p of partsFormatter(tz).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour! % 24, minute: out.minute!, second: out.second! };
}

/** Offset of `tz` from UTC at an instant, in milliseconds. */
export function offsetMs(instant: number, tz: string): number {
  const w = wallTime(instant, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant at which the wall clock in `tz` shows the given time (earliest one in a DST overlap). */
export function zonedToInstant(year: number, month: number, day: number, hour: number, minute: number, tz: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const o1 = offsetMs(guess, tz);
  const t = guess - o1;
  const o2 = offsetMs(t, tz);
  return o2 === o1 ? t : guess - o2;
}

export function parseDay(d: Day): { year: number; month: number; day: number } {
  const [y, m, dd] = d.split('-').map(Number);
  return { year: y!, month: m!, day: dd! };
}

export function formatDay(year: number, month: number, day: number): Day {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function isDay(s: string | null | undefined): s is Day {
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const { year, month, day } = parseDay(s);
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** The day in `tz` that contains an instant. */
export function dayOf(instant: number | string, tz: string): Day {
  const w = wallTime(typeof instant === 'string' ? Date.parse(instant) : instant, tz);
  return formatDay(w.year, w.month, w.day);
}

export function today(tz: string): Day {
  return dayOf(Date.now(), tz);
}

export function addDays(d: Day, n: number): Day {
  const { year, month, day } = parseDay(d);
  const t = new Date(Date.UTC(year, month - 1, day + n));
  return formatDay(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Adds calendar months, clamping to the last day of a shorter month. */
export function addMonths(d: Day, n: number): Day {
  const { year, month, day } = parseDay(d);
  const first = new Date(Date.UTC(year, month - 1 + n, 1));
  const last = daysInMonth(first.getUTCFullYear(), first.getUTCMonth() + 1);
  return formatDay(first.getUTCFullYear(), first.getUTCMonth() + 1, Math.min(day, last));
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 0 = Monday … 6 = Sunday (the API's convention for disponibilites). */
export function weekday(d: Day): number {
  const { year, month, day } = parseDay(d);
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
}

export function startOfWeek(d: Day): Day {
  return addDays(d, -weekday(d));
}

export function startOfMonth(d: Day): Day {
  const { year, month } = parseDay(d);
  return formatDay(year, month, 1);
}

export function daysBetween(a: Day, b: Day): number {
  const pa = parseDay(a);
  const pb = parseDay(b);
  return Math.round((Date.UTC(pb.year, pb.month - 1, pb.day) - Date.UTC(pa.year, pa.month - 1, pa.day)) / 86400000);
}

/** Midnight of a day in `tz`, as an instant. */
export function dayStart(d: Day, tz: string): number {
  const { year, month, day } = parseDay(d);
  return zonedToInstant(year, month, day, 0, 0, tz);
}

/** The instant of a day + 'HH:MM' in `tz`; '24:00' is the next midnight. */
export function dayTime(d: Day, hhmm: string, tz: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  if (h === 24) return dayStart(addDays(d, 1), tz);
  const { year, month, day } = parseDay(d);
  return zonedToInstant(year, month, day, h ?? 0, m ?? 0, tz);
}

/** Minutes since local midnight of the instant's day in `tz`. */
export function minutesOfDay(instant: number | string, tz: string): number {
  const w = wallTime(typeof instant === 'string' ? Date.parse(instant) : instant, tz);
  return w.hour * 60 + w.minute;
}

/** 'HH:MM' of an instant in `tz`. */
export function hhmm(instant: number | string, tz: string): string {
  const w = wallTime(typeof instant === 'string' ? Date.parse(instant) : instant, tz);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

export function isoUtc(instant: number): string {
  return new Date(instant).toISOString();
}

const labelFormatters = new Map<string, Intl.DateTimeFormat>();

/** Formats a plain day in French ('lundi 1 décembre'); the day is read at noon UTC. */
export function dayLabel(d: Day, opts: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long' }): string {
  const key = JSON.stringify(opts);
  let f = labelFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('fr-FR', { ...opts, timeZone: 'UTC' });
    labelFormatters.set(key, f);
  }
  const { year, month, day } = parseDay(d);
  return f.format(new Date(Date.UTC(year, month - 1, day, 12)));
}

/** Pays the browser's one-time cost of date formatting (ICU's start, tens of milliseconds on a
 * phone) up front: called at start-up while the first API request is on the wire, so that it is
 * not added to the first render of the plan. */
export function warmUpDateFormatting(): void {
  partsFormatter('UTC');
  dayLabel('2000-01-01');
}

/** The end of a planning's period, as the server computes it (same wall-clock time). */
export function periodEnd(dateDebut: string, periode: string, tz: string): number {
  const start = Date.parse(dateDebut);
  const d = dayOf(start, tz);
  const time = hhmm(start, tz);
  const endDay =
    periode === 'jour' ? addDays(d, 1) : periode === 'semaine' ? addDays(d, 7) : periode === 'mois' ? addMonths(d, 1) : addMonths(d, 6);
  return dayTime(endDay, time, tz);
}

export function durationMinutes(debut: string, fin: string): number {
  return Math.round((Date.parse(fin) - Date.parse(debut)) / 60000);
}

export function formatMinutes(min: number): string {
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${String(m).padStart(2, '0')}` : `${h} h`;
}
