// The plan: week view by default, day and month too; previous/next navigation;
// sessions coloured by subject; the current time marked; add/edit sessions; the school
// timetable's classes shown as busy time in the week and day views.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { readTimetable } from '../../api/timetable';
import type { TimetableEvent } from '../../api/types';
import { useMedia } from '../../lib/hooks';
import { addDays, addMonths, dayLabel, dayOf, daysBetween, hhmm, isDay, startOfMonth, startOfWeek, today as todayIn, type Day } from '../../lib/time';
import { busyByDay as splitBusy } from '../../lib/timetable';
import { route, setQuery } from '../../router';
import { timezone } from '../../state/auth';
import { online, swControlling } from '../../state/network';
import { allSessions, loadRange, plannings, type PlacedSession } from '../../state/plan';
import { AddSessionDialog } from './add-session-dialog';
import { Agenda } from './agenda';
import { MonthGrid } from './month-grid';
import { PlanningsList } from './plannings-list';
import { DoneButton } from './session-block';
import { STATUT_ICON, STATUT_LABEL, subjectClass } from '../../lib/subjects';
import { SessionDialog } from './session-dialog';
import { WeekGrid } from './week-grid';

type View = 'jour' | 'semaine' | 'mois';

const VIEWS: { view: View; path: string; label: string }[] = [
  { view: 'jour', path: '/planning/jour', label: 'Jour' },
  { view: 'semaine', path: '/planning', label: 'Semaine' },
  { view: 'mois', path: '/planning/mois', label: 'Mois' },
];

function rangeOf(view: View, anchor: Day): { from: Day; to: Day; days: Day[] } {
  if (view === 'jour') return { from: anchor, to: anchor, days: [anchor] };
  if (view === 'semaine') {
    const from = startOfWeek(anchor);
    return { from, to: addDays(from, 6), days: Array.from({ length: 7 }, (_, i) => addDays(from, i)) };
  }
  const first = startOfMonth(anchor);
  const from = startOfWeek(first);
  const last = addDays(addMonths(first, 1), -1);
  const to = addDays(startOfWeek(last), 6);
  return { from, to, days: Array.from({ length: daysBetween(from, to) + 1 }, (_, i) => addDays(from, i)) };
}

function title(view: View, anchor: Day, from: Day, to: Day): string {
  if (view === 'jour') return dayLabel(anchor, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  if (view === 'mois') {
    const m = dayLabel(anchor, { month: 'long', year: 'numeric' });
    return m.charAt(0).toUpperCase() + m.slice(1);
  }
  return `Semaine du ${dayLabel(from, { day: 'numeric', month: 'long' })} au ${dayLabel(to, { day: 'numeric', month: 'long', year: 'numeric' })}`;
}

function step(view: View, anchor: Day, dir: number): Day {
  if (view === 'jour') return addDays(anchor, dir);
  if (view === 'semaine') return addDays(anchor, 7 * dir);
  return addMonths(startOfMonth(anchor), dir);
}

const STEP_LABEL: Record<View, [string, string]> = {
  jour: ['Jour précédent', 'Jour suivant'],
  semaine: ['Semaine précédente', 'Semaine suivante'],
  mois: ['Mois précédent', 'Mois suivant'],
};

export default function PlanningScreen() {
  const loc = route.value;
  const view: View = loc.path === '/planning/jour' ? 'jour' : loc.path === '/planning/mois' ? 'mois' : 'semaine';
  const tz = timezone.value;
  const today = todayIn(tz);
  const q = loc.query.get('date');
  const anchor = isDay(q) ? q : today;
  const { from, to, days } = useMemo(() => rangeOf(view, anchor), [view, anchor]);
  const wide = useMedia('(min-width: 800px)');
  // Seven columns need room: below 1000 px the week is a list, like on phones.
  const roomy = useMedia('(min-width: 1000px)');
  const grid = view === 'jour' ? wide : roomy;
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [open, setOpen] = useState<PlacedSession | null>(null);
  const [adding, setAdding] = useState(false);
  const [classes, setClasses] = useState<TimetableEvent[]>([]);

  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    setError(null);
    loadRange(from, to, ctl.signal)
      .catch((e) => {
        if ((e as Error).name !== 'AbortError') setError(e instanceof ApiError ? e.message : 'Le planning n’a pas pu être chargé.');
      })
      .finally(() => {
        // A load replaced by a newer one (another week, or the service worker taking over) must
        // not end the newer one's loading state: the days would be drawn empty, then move.
        if (!ctl.signal.aborted) setLoading(false);
      });
    return () => ctl.abort();
  }, [from, to, tz, swControlling.value]);

  // The school timetable of the days shown (week and day views): busy time, drawn behind the plan.
  useEffect(() => {
    if (view === 'mois') return;
    const ctl = new AbortController();
    readTimetable(from, to, ctl.signal).then(
      (t) => setClasses(t.evenements),
      () => {
        /* none shown: the plan itself says what went wrong */
      },
    );
    return () => ctl.abort();
  }, [view, from, to, tz, swControlling.value]);
  const busyByDay = useMemo(() => splitBusy(classes, days, tz), [classes, days, tz]);

  const sessionsByDay = useMemo(() => {
    const map = new Map<Day, PlacedSession[]>();
    for (const s of allSessions.value) {
      const d = dayOf(s.debut, tz);
      if (d < from || d > to) continue;
      if (!map.has(d)) map.set(d, []);
      map.get(d)!.push(s);
    }
    return map;
  }, [allSessions.value, tz, from, to]);

  // Keep the open dialog on the fresh copy of its session after a change.
  const openFresh = open ? allSessions.value.find((s) => s._id === open._id && s.planningId === open.planningId) ?? null : null;
  const todays = sessionsByDay.get(today) ?? [];
  const viewDays = view === 'mois' ? days : days;
  const heading = title(view, anchor, view === 'semaine' ? from : anchor, view === 'semaine' ? to : anchor);

  return (
    <section class="screen planning-screen">
      <div class="screen-head">
        <h1>Planning</h1>
        <div class="btn-row plan-actions">
          <button type="button" class="btn btn--primary" onClick={() => setAdding(true)} disabled={!online.value} data-testid="add-session">
            + Ajouter une session
          </button>
          <a class="btn" href="/planning/nouveau">
            Nouveau planning
          </a>
          <a class="btn btn--accent" href="/planning/pixelcoach">
            Planifier avec PixelCoach
          </a>
        </div>
      </div>

      <nav class="plan-toolbar" aria-label="Période affichée">
        <ul class="view-switch">
          {VIEWS.map((v) => (
            <li>
              <a href={`${v.path}?date=${anchor}`} aria-current={v.view === view ? 'page' : undefined} data-testid={'view-' + v.view}>
                {v.label}
              </a>
            </li>
          ))}
        </ul>
        <div class="btn-row">
          <button type="button" class="btn btn--small" onClick={() => setQuery({ date: step(view, anchor, -1) }, { push: true })} data-testid="prev">
            <span aria-hidden="true">◄ </span>
            <span class="step-label">{STEP_LABEL[view][0]}</span>
          </button>
          <button type="button" class="btn btn--small" onClick={() => setQuery({ date: null }, { push: true })} data-testid="today">
            Aujourd’hui
          </button>
          <button type="button" class="btn btn--small" onClick={() => setQuery({ date: step(view, anchor, 1) }, { push: true })} data-testid="next">
            <span class="step-label">{STEP_LABEL[view][1]}</span>
            <span aria-hidden="true"> ►</span>
          </button>
        </div>
      </nav>

      <h2 class="plan-title" aria-live="polite" data-testid="plan-title">
        {heading}
      </h2>
      <p class="visually-hidden">Fuseau horaire : {tz}.</p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {loading && allSessions.value.length === 0 && (
        // Drawn over the (still empty) grid rather than above it, so that nothing moves when it goes.
        <p class="loading plan-loading" role="status">
          Chargement du planning…
        </p>
      )}

      {view === 'mois' ? (
        <MonthGrid monthStart={startOfMonth(anchor)} sessionsByDay={sessionsByDay} tz={tz} today={today} onOpen={setOpen} wide={wide} />
      ) : grid ? (
        <WeekGrid days={viewDays} sessionsByDay={sessionsByDay} tz={tz} today={today} onOpen={setOpen} busyByDay={busyByDay} />
      ) : (
        <Agenda days={viewDays} sessionsByDay={sessionsByDay} tz={tz} today={today} onOpen={setOpen} pending={loading && allSessions.value.length === 0}
          busyByDay={busyByDay} />
      )}

      {/* Below the grid: appearing once the sessions load, it no longer pushes the grid down. */}
      {grid && view !== 'jour' && todays.length > 0 && (
        <section class="card today-panel" aria-labelledby="today-title" data-testid="today-panel">
          <h3 id="today-title">Aujourd’hui</h3>
          <ul class="today-list">
            {todays.map((s) => (
              <li class="today-item">
                <span class={`today-swatch ${subjectClass(s.matiere)}`} aria-hidden="true" />
                <button type="button" class="link-btn" onClick={() => setOpen(s)}>
                  {s.matiere}, {hhmm(s.debut, tz)}–{hhmm(s.fin, tz)}
                </button>
                <span class="today-status">
                  <span aria-hidden="true">{STATUT_ICON[s.statut]} </span>
                  {STATUT_LABEL[s.statut]}
                </span>
                <DoneButton s={s} tz={tz} />
              </li>
            ))}
          </ul>
        </section>
      )}

      {view === 'jour' && wide && (sessionsByDay.get(anchor)?.some((s) => s.statut !== 'termine') ?? false) && (
        <section class="card" aria-labelledby="day-actions-title">
          <h3 id="day-actions-title">Valider une session</h3>
          <ul class="today-list">
            {(sessionsByDay.get(anchor) ?? [])
              .filter((s) => s.statut !== 'termine')
              .map((s) => (
                <li class="today-item">
                  <span class={`today-swatch ${subjectClass(s.matiere)}`} aria-hidden="true" />
                  <span>
                    {s.matiere}, {hhmm(s.debut, tz)}–{hhmm(s.fin, tz)}
                  </span>
                  <DoneButton s={s} tz={tz} />
                </li>
              ))}
          </ul>
        </section>
      )}

      <PlanningsList plannings={plannings.value} tz={tz} loading={loading} />

      {openFresh && <SessionDialog s={openFresh} tz={tz} onClose={() => setOpen(null)} />}
      {adding && <AddSessionDialog plannings={plannings.value} day={anchor} tz={tz} onClose={() => setAdding(false)} />}
    </section>
  );
}
