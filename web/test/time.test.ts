import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, addMonths, dayOf, dayTime, hhmm, isDay, periodEnd, startOfWeek, weekday } from '../src/lib/time';

const PARIS = 'Europe/Paris';

test('a wall time in Paris becomes the right UTC instant, summer and winter', () => {
  assert.equal(new Date(dayTime('2025-12-01', '17:00', PARIS)).toISOString(), '2025-12-01T16:00:00.000Z');
  assert.equal(new Date(dayTime('2025-07-01', '17:00', PARIS)).toISOString(), '2025-07-01T15:00:00.000Z');
  assert.equal(new Date(dayTime('2025-12-01', '24:00', PARIS)).toISOString(), '2025-12-01T23:00:00.000Z');
});

test('around the daylight-saving changes', () => {
  // 30 March 2025: 02:00 → 03:00 in Paris.
  assert.equal(new Date(dayTime('2025-03-30', '03:00', PARIS)).toISOString(), '2025-03-30T01:00:00.000Z');
  assert.equal(new Date(dayTime('2025-03-30', '01:30', PARIS)).toISOString(), '2025-03-30T00:30:00.000Z');
  // 26 October 2025: 03:00 → 02:00; 04:00 is UTC+1.
  assert.equal(new Date(dayTime('2025-10-26', '04:00', PARIS)).toISOString(), '2025-10-26T03:00:00.000Z');
});

test('the day and the clock time of an instant depend on the zone', () => {
  assert.equal(dayOf('2025-11-30T23:30:00Z', PARIS), '2025-12-01');
  assert.equal(dayOf('2025-11-30T23:30:00Z', 'UTC'), '2025-11-30');
  assert.equal(hhmm('2025-12-01T16:00:00Z', 'America/New_York'), '11:00');
  assert.equal(hhmm('2025-12-01T16:00:00Z', 'Asia/Kolkata'), '21:30');
});

test('calendar days: weeks start on Monday, months clamp', () => {
  assert.equal(weekday('2025-12-01'), 0);
  assert.equal(weekday('2025-12-07'), 6);
  assert.equal(startOfWeek('2025-12-07'), '2025-12-01');
  assert.equal(addDays('2025-12-31', 1), '2026-01-01');
  assert.equal(addMonths('2025-01-31', 1), '2025-02-28');
  assert.equal(addMonths('2024-01-31', 1), '2024-02-29');
  assert.ok(isDay('2024-02-29'));
  assert.ok(!isDay('2025-02-30'));
  assert.ok(!isDay('2025-2-3'));
});

test('a period ends at the same wall-clock time, as the server computes it', () => {
  // A week starting on the Saturday before the spring change lasts 7 days minus one hour.
  const start = '2025-03-29T00:00:00+01:00';
  assert.equal(new Date(periodEnd(start, 'semaine', PARIS)).toISOString(), '2025-04-04T22:00:00.000Z');
  assert.equal(new Date(periodEnd('2025-01-31T00:00:00+01:00', 'mois', PARIS)).toISOString(), '2025-02-27T23:00:00.000Z');
  assert.equal(new Date(periodEnd('2025-08-31T00:00:00+02:00', 'semestre', PARIS)).toISOString(), '2026-02-27T23:00:00.000Z');
});
