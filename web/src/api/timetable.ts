// The school timetable (docs/api.md, "Timetable"): import an .ics file, read its events, remove it.
import { api, del, get, query } from './client';
import type { Timetable, TimetableSummary } from './types';

/** The server's limit on the file (2 MiB). */
export const MAX_ICS_BYTES = 2 * 1024 * 1024;

/** PUT /api/timetable: the file itself is the body (text/calendar); `nom` is its name. Replaces
 * the previous import. */
export function importTimetable(file: File): Promise<TimetableSummary> {
  const nom = file.name.trim().slice(0, 200);
  return api<TimetableSummary>('PUT', '/api/timetable' + query({ nom }), file, { headers: { 'Content-Type': 'text/calendar' } });
}

/** GET /api/timetable: the import's summary and the events that overlap [from, to] (plain days in
 * the student's zone, `to` included). */
export function readTimetable(from: string, to: string, signal?: AbortSignal): Promise<Timetable> {
  return get<Timetable>('/api/timetable' + query({ from, to }), { signal });
}

export function deleteTimetable(): Promise<void> {
  return del('/api/timetable');
}
