// « Emploi du temps »: import the school timetable (.ics) so that its classes become busy time,
// see what was imported (count, dates, upcoming exams), replace it or remove it.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { deleteTimetable, importTimetable, MAX_ICS_BYTES, readTimetable } from '../../api/timetable';
import type { TimetableSummary } from '../../api/types';
import { Field } from '../../components/field';
import { dayLabel, dayOf, hhmm, today } from '../../lib/time';
import { coveredDays, eventWhen, fileProblem, importedCount, upcomingExams } from '../../lib/timetable';
import { timezone } from '../../state/auth';
import { online } from '../../state/network';

const LONG_DAY: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };

function Summary({ s, tz, children }: { s: TimetableSummary; tz: string; children: ComponentChildren }) {
  const range = coveredDays(s, tz);
  const exams = upcomingExams(s, Date.now());
  return (
    <section class="timetable-summary" aria-labelledby="tt-summary-title" data-testid="timetable-summary">
      <h3 id="tt-summary-title" class="timetable-name">
        {s.nom ?? 'Emploi du temps importé'}
      </h3>
      <ul class="timetable-facts">
        <li data-testid="timetable-count">
          <strong>{importedCount(s.nombreEvenements)}</strong>
        </li>
        {range && (
          <li data-testid="timetable-range">
            {range.first === range.last ? `Le ${dayLabel(range.first, LONG_DAY)}` : `Du ${dayLabel(range.first, LONG_DAY)} au ${dayLabel(range.last, LONG_DAY)}`}
          </li>
        )}
        <li class="hint">
          Importé le {dayLabel(dayOf(s.importeLe, tz), { day: 'numeric', month: 'long', year: 'numeric' })} à {hhmm(s.importeLe, tz)}
        </li>
      </ul>
      <h4 id="tt-exams-title">Examens à venir</h4>
      {exams.length === 0 ? (
        <p class="hint">Aucun examen à venir trouvé dans ce fichier.</p>
      ) : (
        <ul class="timetable-exams" aria-labelledby="tt-exams-title" data-testid="timetable-exams">
          {exams.map((e) => (
            <li data-testid="timetable-exam">
              <strong>{e.titre}</strong> — {eventWhen(e, tz)}
              {e.lieu ? `, ${e.lieu}` : ''}
            </li>
          ))}
        </ul>
      )}
      {children}
    </section>
  );
}

export function TimetableCard() {
  const tz = timezone.value;
  /** undefined: loading; null: nothing imported. */
  const [summary, setSummary] = useState<TimetableSummary | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const confirmBtn = useRef<HTMLButtonElement>(null);
  const deleteBtn = useRef<HTMLButtonElement>(null);
  const cancelled = useRef(false);

  useEffect(() => {
    const ctl = new AbortController();
    const d = today(tz);
    readTimetable(d, d, ctl.signal).then(
      (t) => setSummary(t.import),
      (e) => {
        if ((e as Error).name === 'AbortError') return;
        setSummary(null);
        setLoadError(e instanceof ApiError ? e.message : 'Ton emploi du temps n’a pas pu être chargé.');
      },
    );
    return () => ctl.abort();
  }, [tz]);

  useEffect(() => {
    // The button pressed is replaced by the next one: the focus follows it.
    if (confirm) confirmBtn.current?.focus();
    else if (cancelled.current) deleteBtn.current?.focus();
    cancelled.current = false;
  }, [confirm]);

  function fail(message: string) {
    setFieldError(message);
    input.current?.focus();
  }

  async function upload(e: Event) {
    e.preventDefault();
    setMsg(null);
    setFieldError(null);
    const problem = fileProblem(file, MAX_ICS_BYTES);
    if (problem || !file) return fail(problem ?? '');
    setBusy(true);
    try {
      const s = await importTimetable(file);
      setSummary(s);
      setLoadError(null);
      setConfirm(false);
      setFile(null);
      if (input.current) input.current.value = '';
      setMsg(`Emploi du temps importé : ${importedCount(s.nombreEvenements).toLowerCase()}.`);
    } catch (err) {
      fail(err instanceof ApiError ? err.message : 'Le fichier n’a pas pu être envoyé. Réessaie.');
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    setMsg(null);
    setFieldError(null);
    try {
      await deleteTimetable();
      setSummary(null);
      setConfirm(false);
      setMsg('Emploi du temps supprimé : tes cours ne sont plus des créneaux occupés.');
      input.current?.focus();
    } catch (err) {
      setConfirm(false);
      setLoadError(err instanceof ApiError ? err.message : 'L’emploi du temps n’a pas pu être supprimé.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="form timetable-card" data-testid="timetable-card">
      <p>Importe l’emploi du temps de ton ENT ou de ton agenda (.ics) : tes cours deviennent des créneaux occupés et PixelCoach planifie autour.</p>
      {summary === undefined && (
        <p class="loading" role="status">
          Chargement de ton emploi du temps…
        </p>
      )}
      {summary && (
        <Summary s={summary} tz={tz}>
          <div class="btn-row timetable-actions">
            {confirm ? (
              <>
                <button ref={confirmBtn} type="button" class="btn btn--danger" onClick={remove} disabled={busy || !online.value} data-testid="confirm-delete-timetable">
                  Oui, supprimer l’emploi du temps
                </button>
                <button
                  type="button"
                  class="btn"
                  onClick={() => {
                    cancelled.current = true;
                    setConfirm(false);
                  }}
                >
                  Annuler
                </button>
              </>
            ) : (
              <button ref={deleteBtn} type="button" class="btn btn--danger" onClick={() => setConfirm(true)} disabled={busy || !online.value} data-testid="timetable-delete">
                Supprimer l’emploi du temps
              </button>
            )}
          </div>
        </Summary>
      )}
      <form class="form" onSubmit={upload} noValidate data-testid="timetable-form">
        <Field
          id="tt-file"
          label="Fichier de l’emploi du temps (.ics)"
          hint={summary ? 'Importer un nouveau fichier remplace l’emploi du temps actuel. 2 Mo au plus.' : 'Le fichier .ics exporté par ton ENT (Pronote, ADE…) ou ton agenda. 2 Mo au plus.'}
          error={fieldError ?? undefined}
        >
          {(d, inv) => (
            <input
              ref={input}
              id="tt-file"
              type="file"
              accept=".ics,text/calendar"
              aria-describedby={d}
              aria-invalid={inv || undefined}
              onChange={(e) => {
                setFile(e.currentTarget.files?.[0] ?? null);
                setFieldError(null);
              }}
            />
          )}
        </Field>
        <div class="btn-row">
          <button type="submit" class="btn btn--primary" disabled={busy || !online.value} data-testid="timetable-import">
            {busy && !confirm ? 'Import en cours…' : 'Importer'}
          </button>
        </div>
      </form>
      <div role="status" data-testid="timetable-status">
        {msg && <p class="success-text">{msg}</p>}
      </div>
      {loadError && (
        <p class="form-error" role="alert">
          {loadError}
        </p>
      )}
    </div>
  );
}
