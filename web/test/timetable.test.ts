// The school timetable's pure helpers, and the upload request the settings card sends.
import './browser-globals';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importTimetable, MAX_ICS_BYTES } from '../src/api/timetable';
import type { TimetableEvent, TimetableSummary } from '../src/api/types';
import { busyByDay, coveredDays, eventWhen, fileProblem, guessSubject, importedCount, overlapsBusy, upcomingExams } from '../src/lib/timetable';

const PARIS = 'Europe/Paris';

function ev(debut: string, fin: string, extra: Partial<TimetableEvent> = {}): TimetableEvent {
  return { _id: 'e' + debut, titre: 'Cours', debut, fin, journeeEntiere: false, examen: false, ...extra };
}

test('timed events land in their day at their wall-clock minutes, in the student’s zone', () => {
  const maths = ev('2025-12-01T07:00:00.000Z', '2025-12-01T09:00:00.000Z', { titre: 'Maths' });
  const m = busyByDay([maths], ['2025-11-30', '2025-12-01', '2025-12-02'], PARIS);
  assert.deepEqual([...m.keys()], ['2025-12-01']);
  assert.deepEqual(m.get('2025-12-01')!.timed.map((p) => [p.e.titre, p.start, p.end]), [['Maths', 8 * 60, 10 * 60]]);
  // The same instant is another day, another time, in New York.
  const ny = busyByDay([ev('2025-12-01T03:00:00.000Z', '2025-12-01T04:00:00.000Z')], ['2025-11-30'], 'America/New_York');
  assert.deepEqual(ny.get('2025-11-30')!.timed.map((p) => [p.start, p.end]), [[22 * 60, 23 * 60]]);
});

test('an event over midnight is cut in two; one covering whole days goes to the all-day strip', () => {
  const night = ev('2025-12-01T21:00:00.000Z', '2025-12-02T01:00:00.000Z');
  const m = busyByDay([night], ['2025-12-01', '2025-12-02'], PARIS);
  assert.deepEqual(m.get('2025-12-01')!.timed.map((p) => [p.start, p.end]), [[22 * 60, 1440]]);
  assert.deepEqual(m.get('2025-12-02')!.timed.map((p) => [p.start, p.end]), [[0, 2 * 60]]);
  // All-day: midnight to midnight in Paris, two days.
  const trip = ev('2025-11-30T23:00:00.000Z', '2025-12-02T23:00:00.000Z', { journeeEntiere: true, titre: 'Sortie' });
  const t = busyByDay([trip], ['2025-11-30', '2025-12-01', '2025-12-02', '2025-12-03'], PARIS);
  assert.deepEqual([...t.keys()], ['2025-12-01', '2025-12-02']);
  assert.deepEqual(t.get('2025-12-01')!.allDay.map((e) => e.titre), ['Sortie']);
  assert.equal(t.get('2025-12-01')!.timed.length, 0);
  // A timed event that covers a whole day is shown with the all-day ones that day.
  const long = ev('2025-11-30T12:00:00.000Z', '2025-12-02T12:00:00.000Z');
  const l = busyByDay([long], ['2025-12-01'], PARIS);
  assert.equal(l.get('2025-12-01')!.allDay.length, 1);
});

test('a day’s classes come by start, on the day of the spring change too', () => {
  // 30 March 2025: 02:00 → 03:00 in Paris. 09:00 local is 07:00 UTC.
  const late = ev('2025-03-30T12:00:00.000Z', '2025-03-30T13:00:00.000Z', { titre: 'B' });
  const early = ev('2025-03-30T07:00:00.000Z', '2025-03-30T08:00:00.000Z', { titre: 'A' });
  const m = busyByDay([late, early], ['2025-03-30'], PARIS);
  assert.deepEqual(m.get('2025-03-30')!.timed.map((p) => [p.e.titre, p.start]), [['A', 9 * 60], ['B', 14 * 60]]);
});

test('a session overlaps a class only when their times cross', () => {
  const cls = [ev('2025-12-01T07:00:00.000Z', '2025-12-01T09:00:00.000Z')];
  assert.ok(overlapsBusy('2025-12-01T08:00:00.000Z', '2025-12-01T10:00:00.000Z', cls));
  assert.ok(!overlapsBusy('2025-12-01T09:00:00.000Z', '2025-12-01T10:00:00.000Z', cls));
  assert.ok(!overlapsBusy('2025-12-01T06:00:00.000Z', '2025-12-01T07:00:00.000Z', cls));
});

test('the subject of an exam is guessed from its title, accents and case aside', () => {
  const mine = ['Mathématiques', 'Physique-chimie', 'Histoire', 'Anglais', 'SVT'];
  assert.equal(guessSubject('Contrôle de maths', mine), 'Mathématiques');
  assert.equal(guessSubject('DS PHYSIQUE CHIMIE', mine), 'Physique-chimie');
  assert.equal(guessSubject('Interro de physique', mine), 'Physique-chimie');
  assert.equal(guessSubject('Partiel d’histoire-géo', mine), 'Histoire');
  assert.equal(guessSubject('Examen SVT', mine), 'SVT');
  assert.equal(guessSubject('Bac blanc', mine), undefined);
  assert.equal(guessSubject('Contrôle', mine), undefined);
  assert.equal(guessSubject('Contrôle de maths', []), undefined);
  // « Examen » or « Contrôle » in a subject's name is no match for every exam.
  assert.equal(guessSubject('Contrôle de chimie', ['Contrôle qualité', 'Chimie']), 'Chimie');
  // The whole subject named beats a partial match.
  assert.equal(guessSubject('DS de maths appliquées', ['Mathématiques', 'Maths appliquées']), 'Maths appliquées');
});

test('the summary speaks French', () => {
  assert.equal(importedCount(312), '312 cours importés');
  assert.equal(importedCount(1), '1 cours importé');
  assert.equal(importedCount(0), 'Aucun cours importé');
  assert.equal(importedCount(5000).replace(/\s/g, ' '), '5 000 cours importés');
  const exam = ev('2025-12-11T09:00:00.000Z', '2025-12-11T11:00:00.000Z', { titre: 'Contrôle de maths', examen: true });
  assert.equal(eventWhen(exam, PARIS), 'jeudi 11 décembre, 10:00–12:00');
  assert.equal(eventWhen({ ...exam, journeeEntiere: true, debut: '2025-12-10T23:00:00.000Z', fin: '2025-12-11T23:00:00.000Z' }, PARIS),
    'jeudi 11 décembre, toute la journée');
});

test('the days covered end on the last event’s day, an end at midnight belonging to the day before', () => {
  const s: TimetableSummary = { importeLe: '2025-12-01T10:00:00.000Z', nombreEvenements: 2, premier: '2025-11-03T07:00:00.000Z',
    dernier: '2026-06-30T22:00:00.000Z', examens: [] };
  assert.deepEqual(coveredDays(s, PARIS), { first: '2025-11-03', last: '2026-06-30' });
  assert.deepEqual(coveredDays({ ...s, dernier: '2026-06-30T15:00:00.000Z' }, PARIS), { first: '2025-11-03', last: '2026-06-30' });
  assert.equal(coveredDays({ importeLe: s.importeLe, nombreEvenements: 0, examens: [] }, PARIS), null);
});

test('only the exams not over yet are offered, soonest first', () => {
  const now = Date.parse('2025-12-05T12:00:00Z');
  const past = ev('2025-12-01T08:00:00.000Z', '2025-12-01T09:00:00.000Z', { titre: 'passé', examen: true });
  const going = ev('2025-12-05T11:00:00.000Z', '2025-12-05T13:00:00.000Z', { titre: 'en cours', examen: true });
  const later = ev('2025-12-20T08:00:00.000Z', '2025-12-20T09:00:00.000Z', { titre: 'plus tard', examen: true });
  const s: TimetableSummary = { importeLe: '2025-12-01T10:00:00.000Z', nombreEvenements: 3, examens: [later, past, going] };
  assert.deepEqual(upcomingExams(s, now).map((e) => e.titre), ['en cours', 'plus tard']);
  assert.deepEqual(upcomingExams(null, now), []);
});

test('a file is refused before sending when missing, empty or over 2 MiB', () => {
  assert.match(fileProblem(null, MAX_ICS_BYTES)!, /Choisis d’abord/);
  assert.match(fileProblem({ name: 'edt.ics', size: 0 }, MAX_ICS_BYTES)!, /vide/);
  assert.match(fileProblem({ name: 'gros.ics', size: MAX_ICS_BYTES + 1 }, MAX_ICS_BYTES)!, /trop lourd \(plus de 2 Mo\)/);
  assert.equal(fileProblem({ name: 'edt.ics', size: MAX_ICS_BYTES }, MAX_ICS_BYTES), null);
});

test('the upload sends the file itself as text/calendar, with its name, the way the other writes go', async () => {
  const seen: { url: string; init: RequestInit }[] = [];
  const summary: TimetableSummary = { nom: 'Mon EDT 2025.ics', importeLe: '2025-12-01T10:00:00.000Z', nombreEvenements: 3, examens: [] };
  globalThis.fetch = (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return new Response(JSON.stringify(summary), { status: 200, headers: { 'Content-Type': 'application/json' } });
  }) as typeof fetch;
  const file = new File(['BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'], 'Mon EDT 2025.ics', { type: '' });
  const got = await importTimetable(file);
  assert.deepEqual(got, summary);
  assert.equal(seen.length, 1);
  const { url, init } = seen[0]!;
  assert.equal(url, '/api/timetable?nom=Mon+EDT+2025.ics');
  assert.equal(init.method, 'PUT');
  assert.equal(init.body, file, 'the File itself, not JSON');
  assert.equal(init.credentials, 'same-origin');
  assert.deepEqual(init.headers, { Accept: 'application/json', 'Content-Type': 'text/calendar' });
});
