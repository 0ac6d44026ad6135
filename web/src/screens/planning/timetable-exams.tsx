// « Examens trouvés dans ton emploi du temps »: the imported timetable's upcoming exams, each
// offered as a one-click addition to the PixelCoach form's exams (subject guessed from the title
// when it names one of the student's subjects, else chosen by the student; date = its day).
import { useEffect, useState } from 'preact/hooks';
import { readTimetable } from '../../api/timetable';
import type { Examen, TimetableEvent } from '../../api/types';
import { Field } from '../../components/field';
import { dayLabel, dayOf, today } from '../../lib/time';
import { eventWhen, guessSubject, upcomingExams } from '../../lib/timetable';

interface Props {
  tz: string;
  /** The student's subjects (preferences and those chosen in the form). */
  subjects: string[];
  /** The exams already in the form. */
  added: Examen[];
  onAdd: (exam: Examen) => void;
}

const same = (a: string, b: string) => a.trim().toLocaleLowerCase('fr') === b.trim().toLocaleLowerCase('fr');

export function TimetableExams({ tz, subjects, added, onAdd }: Props) {
  const [exams, setExams] = useState<TimetableEvent[]>([]);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState('');

  useEffect(() => {
    const ctl = new AbortController();
    const d = today(tz);
    readTimetable(d, d, ctl.signal).then(
      (t) => setExams(upcomingExams(t.import, Date.now())),
      () => {
        /* no offers: the form works without them */
      },
    );
    return () => ctl.abort();
  }, [tz]);

  const subjectOf = (e: TimetableEvent) => typed[e._id] ?? guessSubject(e.titre, subjects) ?? '';

  function add(e: TimetableEvent, isAdded: boolean) {
    if (isAdded) return;
    const matiere = subjectOf(e).trim();
    if (!matiere) {
      setErrors((x) => ({ ...x, [e._id]: 'Indique la matière de cet examen pour l’ajouter.' }));
      document.getElementById(`ai-tt-${e._id}`)?.focus();
      return;
    }
    setErrors((x) => ({ ...x, [e._id]: '' }));
    const date = dayOf(e.debut, tz);
    onAdd({ matiere, date });
    setStatus(`Examen ajouté : ${matiere}, le ${dayLabel(date)}.`);
  }

  return (
    <div class="tt-offers" role="group" aria-labelledby={exams.length > 0 ? 'ai-tt-title' : undefined} data-testid="ai-timetable-exams" hidden={exams.length === 0}>
      {exams.length > 0 && (
        <>
          <p id="ai-tt-title" class="tt-offers-title">
            Examens trouvés dans ton emploi du temps
          </p>
          <ul class="tt-offer-list" aria-labelledby="ai-tt-title">
            {exams.map((e) => {
              const matiere = subjectOf(e);
              const date = dayOf(e.debut, tz);
              const isAdded = added.some((x) => x.date === date && !!matiere.trim() && same(x.matiere, matiere));
              return (
                <li class="tt-offer" data-testid="ai-timetable-exam" data-event-id={e._id}>
                  <p class="tt-offer-what">
                    <strong>{e.titre}</strong> — {eventWhen(e, tz)}
                    {e.lieu ? `, ${e.lieu}` : ''}
                  </p>
                  <div class="inline-add">
                    <Field id={`ai-tt-${e._id}`} label={`Matière de « ${e.titre} »`} error={errors[e._id] || undefined}>
                      {(d, inv) => (
                        <input
                          id={`ai-tt-${e._id}`}
                          type="text"
                          list="ai-subject-list"
                          maxLength={100}
                          value={matiere}
                          aria-describedby={d}
                          aria-invalid={inv || undefined}
                          onInput={(ev) => {
                            const v = ev.currentTarget.value;
                            setTyped((x) => ({ ...x, [e._id]: v }));
                          }}
                        />
                      )}
                    </Field>
                    <button
                      type="button"
                      class="btn btn--small"
                      aria-disabled={isAdded ? 'true' : undefined}
                      onClick={() => add(e, isAdded)}
                      data-testid="ai-timetable-add"
                    >
                      {isAdded ? (
                        <>
                          <span aria-hidden="true">✓ </span>Ajouté
                        </>
                      ) : (
                        'Ajouter cet examen'
                      )}
                      <span class="visually-hidden">
                        {' '}
                        : {e.titre}, {dayLabel(date)}
                      </span>
                    </button>
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      )}
      <div role="status" class="tt-offers-status">
        {status && <p class="success-text">{status}</p>}
      </div>
    </div>
  );
}
