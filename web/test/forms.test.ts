import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../src/api/error';
import { errorsFrom } from '../src/lib/use-form';
import { levelOf } from '../src/lib/xp';
import { sessionFieldOf, SESSION_RULES } from '../src/screens/planning/session-fields';

test('validation details go next to their field, capitalised; the form says to fix them', () => {
  const e = new ApiError(400, 'validation_failed', 'Données invalides.', [
    { path: 'sessions[2].fin', message: 'doit être après le début' },
    { path: 'sessions[2].matiere', message: 'est vide' },
  ]);
  const r = errorsFrom(e, sessionFieldOf(2), SESSION_RULES);
  assert.deepEqual(r.fields, { fin: 'Doit être après le début', matiere: 'Est vide' });
  assert.equal(r.form, 'Corrige les champs signalés.');
  // A detail no field of the form shows: the API's own message stays.
  assert.equal(errorsFrom(e, () => undefined).form, 'Données invalides.');
});

test('planning rule errors show the API message beside the times', () => {
  const e = new ApiError(400, 'sessions_overlap', 'Deux sessions se chevauchent.', [
    { path: 'sessions[0]', message: 'chevauche sessions[3]' },
    { path: 'sessions[3]', message: 'chevauche sessions[0]' },
  ]);
  assert.deepEqual(errorsFrom(e, sessionFieldOf(3), SESSION_RULES).fields, { horaire: 'Deux sessions se chevauchent.' });
  const out = new ApiError(400, 'session_outside_period', 'La session sort de la période du planning.');
  assert.deepEqual(errorsFrom(out, sessionFieldOf(), SESSION_RULES).fields, { horaire: 'La session sort de la période du planning.' });
});

test('a 429 says when to try again, once', () => {
  const e = new ApiError(429, 'rate_limited', 'Trop de tentatives.', [], 90);
  assert.equal(errorsFrom(e).form, 'Trop de tentatives. Réessaie dans 2 minutes.');
  const f = new ApiError(429, 'rate_limited', 'Trop de messages : réessaie dans 12 secondes.', [], 12);
  assert.equal(errorsFrom(f).form, 'Trop de messages : réessaie dans 12 secondes.');
});

test('XP levels grow by 60 more minutes each', () => {
  assert.deepEqual(levelOf(0), { level: 1, xp: 0, floor: 0, next: 60 });
  assert.equal(levelOf(59).level, 1);
  assert.equal(levelOf(60).level, 2);
  assert.equal(levelOf(180).level, 3);
  assert.deepEqual(levelOf(920), { level: 6, xp: 920, floor: 900, next: 1260 });
});
