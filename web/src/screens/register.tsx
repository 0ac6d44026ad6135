// Inscription: name, email, password, time zone (detected, editable).
import { post } from '../api/client';
import type { AuthAnswer } from '../api/types';
import { Avatar } from '../components/avatar';
import { Field, FormError } from '../components/field';
import { TimeZoneInput } from '../components/timezone-select';
import { detectedTimeZone } from '../lib/timezones';
import { useForm } from '../lib/use-form';
import { signedIn } from '../state/auth';

export default function Register() {
  const f = useForm({ name: '', email: '', password: '', timezone: detectedTimeZone() });

  async function onSubmit(e: Event) {
    e.preventDefault();
    const { name, email, password, timezone } = f.values;
    const answer = await f.submit(() => post<AuthAnswer>('/api/auth/register', { name, email, password, timezone: timezone.trim() || undefined }), undefined, { email_taken: 'email' });
    if (answer) signedIn(answer);
  }

  return (
    <section class="auth">
      <div class="auth-hero">
        <Avatar size={64} />
        <p class="pixel">Je suis PixelCoach. On s’organise ensemble ?</p>
      </div>
      <h1>Inscription</h1>
      <form class="form card" onSubmit={onSubmit} noValidate data-testid="register-form">
        <FormError message={f.errors.form} />
        <Field id="reg-name" label="Prénom ou pseudo" error={f.errors.fields.name}>
          {(d, inv) => (
            <input id="reg-name" type="text" autocomplete="given-name" required maxLength={100} value={f.values.name}
              onInput={(e) => f.set('name', e.currentTarget.value)} aria-describedby={d} aria-invalid={inv || undefined} />
          )}
        </Field>
        <Field id="reg-email" label="Adresse e-mail" error={f.errors.fields.email}>
          {(d, inv) => (
            <input id="reg-email" type="email" autocomplete="email" required value={f.values.email}
              onInput={(e) => f.set('email', e.currentTarget.value)} aria-describedby={d} aria-invalid={inv || undefined} />
          )}
        </Field>
        <Field id="reg-password" label="Mot de passe" hint="8 caractères au moins." error={f.errors.fields.password}>
          {(d, inv) => (
            <input id="reg-password" type="password" autocomplete="new-password" required minLength={8} maxLength={128}
              value={f.values.password} onInput={(e) => f.set('password', e.currentTarget.value)} aria-describedby={d} aria-invalid={inv || undefined} />
          )}
        </Field>
        <Field id="reg-timezone" label="Fuseau horaire" hint="Détecté automatiquement ; modifie-le si besoin." error={f.errors.fields.timezone}>
          {(d, inv) => <TimeZoneInput id="reg-timezone" value={f.values.timezone} onInput={(v) => f.set('timezone', v)} describedBy={d} invalid={inv} />}
        </Field>
        <div class="btn-row">
          <button type="submit" class="btn btn--primary" disabled={f.busy}>
            {f.busy ? 'Création…' : 'Créer mon compte'}
          </button>
        </div>
      </form>
      <p>
        Déjà inscrit·e ? <a href="/connexion">Se connecter</a>
      </p>
    </section>
  );
}
