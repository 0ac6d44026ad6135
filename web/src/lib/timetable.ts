// Pure helpers for the school timetable: its events cut into the days of a view, the subject an
// exam's title names, the summary's wording, the file check before upload.
import type { TimetableEvent, TimetableSummary } from '../api/types';
import { addDays, dayLabel, dayOf, dayStart, hhmm, minutesOfDay, type Day } from './time';

/** A timed event's part within one day: minutes since that day's midnight (wall clock). */
export interface BusyPiece {
  e: TimetableEvent;
  start: number;
  /** Up to 1440 when the event goes on past midnight. */
  end: number;
}

export interface DayBusy {
  /** All-day events, and timed ones that cover the whole day. */
  allDay: TimetableEvent[];
  timed: BusyPiece[];
}

/** The events of `days` (plain days in `tz`), each day's pieces by start. Days without any event
 * are left out of the map. */
export function busyByDay(events: TimetableEvent[], days: Day[], tz: string): Map<Day, DayBusy> {
  const out = new Map<Day, DayBusy>();
  for (const d of days) {
    const from = dayStart(d, tz);
    const to = dayStart(addDays(d, 1), tz);
    const slot: DayBusy = { allDay: [], timed: [] };
    for (const e of events) {
      const a = Date.parse(e.debut);
      const z = Date.parse(e.fin);
      if (!(a < to && z > from)) continue;
      const start = a <= from ? 0 : minutesOfDay(a, tz);
      const end = z >= to ? 1440 : minutesOfDay(z, tz);
      if (e.journeeEntiere || (start === 0 && end === 1440)) slot.allDay.push(e);
      else if (end > start) slot.timed.push({ e, start, end });
    }
    slot.timed.sort((x, y) => x.start - y.start || x.end - y.end);
    if (slot.allDay.length || slot.timed.length) out.set(d, slot);
  }
  return out;
}

/** Whether a session [debut, fin) overlaps one of the day's timed events. */
export function overlapsBusy(debut: string, fin: string, events: TimetableEvent[]): boolean {
  const a = Date.parse(debut);
  const z = Date.parse(fin);
  return events.some((e) => !e.journeeEntiere && Date.parse(e.debut) < z && Date.parse(e.fin) > a);
}

/** Lower case, accents off, split into words of letters and digits. */
export function words(s: string): string[] {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

// Words of an exam's title that never name a subject.
const NOT_SUBJECTS = new Set([
  'controle', 'examen', 'exam', 'ds', 'dst', 'partiel', 'interro', 'interrogation', 'epreuve', 'bac', 'blanc',
  'concours', 'devoir', 'surveille', 'evaluation', 'test', 'cours', 'final', 'finale', 'oral', 'ecrit',
]);

/** A word without its plural mark: « maths » → « math ». */
function stem(w: string): string {
  return w.length > 3 && /[sx]$/.test(w) ? w.slice(0, -1) : w;
}

/**
 * The student's subject that an event's title names, if any: the whole subject appears in the title
 * (« Contrôle de physique-chimie » → « Physique-chimie »), or failing that a title word of four
 * letters or more matches the beginning of one of the subject's words (« Contrôle de maths » →
 * « Mathématiques », « DS d'histoire-géo » → « Histoire »). Case and accents do not count.
 */
export function guessSubject(titre: string, subjects: string[]): string | undefined {
  const title = words(titre);
  const joined = ' ' + title.join(' ') + ' ';
  let best: { subject: string; score: number } | undefined;
  for (const subject of subjects) {
    const sw = words(subject);
    if (sw.length === 0) continue;
    let score = 0;
    if (joined.includes(' ' + sw.join(' ') + ' ')) score = 100 + sw.join(' ').length;
    else {
      for (const t of title) {
        if (NOT_SUBJECTS.has(t)) continue;
        const ts = stem(t);
        if (ts.length < 4) continue;
        for (const w of sw) {
          const ws = stem(w);
          if (ws.length >= 4 && (ws.startsWith(ts) || ts.startsWith(ws))) score = Math.max(score, Math.min(ts.length, ws.length));
        }
      }
    }
    if (score > 0 && (!best || score > best.score)) best = { subject, score };
  }
  return best?.subject;
}

const numberFormat = new Intl.NumberFormat('fr-FR');

/** « 312 cours importés », « 1 cours importé », « Aucun cours importé ». */
export function importedCount(n: number): string {
  if (n === 0) return 'Aucun cours importé';
  return `${numberFormat.format(n)} cours importé${n > 1 ? 's' : ''}`;
}

/** The first and last days the import covers, in `tz` (the last event's end is exclusive). */
export function coveredDays(s: TimetableSummary, tz: string): { first: Day; last: Day } | null {
  if (!s.premier || !s.dernier) return null;
  const first = dayOf(s.premier, tz);
  const last = dayOf(Math.max(Date.parse(s.premier), Date.parse(s.dernier) - 1), tz);
  return { first, last };
}

/** The summary's exams that are not over at `now`, by start. */
export function upcomingExams(s: TimetableSummary | null, now: number): TimetableEvent[] {
  if (!s) return [];
  return s.examens.filter((e) => Date.parse(e.fin) > now).sort((a, b) => Date.parse(a.debut) - Date.parse(b.debut));
}

/** What is wrong with the chosen file before sending it, in French (null: it may be sent). */
export function fileProblem(file: { name: string; size: number } | null | undefined, maxBytes: number): string | null {
  if (!file) return 'Choisis d’abord le fichier .ics de ton emploi du temps.';
  if (file.size > maxBytes) {
    const mo = Math.round((maxBytes / (1024 * 1024)) * 10) / 10;
    return `Ce fichier est trop lourd (plus de ${numberFormat.format(mo)} Mo) : un emploi du temps .ics fait bien moins. Vérifie que tu as choisi le bon fichier.`;
  }
  if (file.size === 0) return 'Ce fichier est vide : choisis le fichier .ics exporté par ton ENT ou ton agenda.';
  return null;
}

/** When an event is, in French: « jeudi 11 décembre, 10:00–12:00 » (« …, toute la journée »). */
export function eventWhen(e: TimetableEvent, tz: string): string {
  const day = dayLabel(dayOf(e.debut, tz), { weekday: 'long', day: 'numeric', month: 'long' });
  return e.journeeEntiere ? `${day}, toute la journée` : `${day}, ${hhmm(e.debut, tz)}–${hhmm(e.fin, tz)}`;
}
