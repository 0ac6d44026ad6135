// Connexion: email + password → POST /api/auth/login (sets the HttpOnly cookie).
import { post } from '../api/client';
import type { AuthAnswer } from '../api/types';
import { Avatar } from '../components/avatar';
import { Field, FormError } from '../components/field';
import { useForm } from '../lib/use-form';
import { signedIn } from '../state/auth';

export default function Login() {
  const f = useForm({ email: '', password: '' });

  async function onSubmit(e: Event) {
    e.preventDefault();
    const answer = await f.submit(() => post<AuthAnswer>('/api/auth/login', { email: f.values.email, password: f.values.password }));
    if (answer) signedIn(answer);
  }

  return (
    <section class="auth">
      <div class="auth-hero">
        <Avatar size={64} />
        <p class="pixel">Salut ! Prêt·e à réviser ?</p>
      </div>
      <h1>Connexion</h1>
      <form class="form card" onSubmit={onSubmit} noValidate data-testid="login-form">
        <FormError message={f.errors.form} />
        <Field id="login-email" label="Adresse e-mail" error={f.errors.fields.email}>
          {(d, inv) => (
            <input id="login-email" type="email" autocomplete="email" required value={f.values.email}
              onInput={(e) => f.set('email', e.currentTarget.value)} aria-describedby={d} aria-invalid={inv || undefined} />
          )}
        </Field>
        <Field id="login-password" label="Mot de passe" error={f.errors.fields.password}>
          {(d, inv) => (
            <input id="login-password" type="password" autocomplete="current-password" required value={f.values.password}
              onInput={(e) => f.set('password', e.currentTarget.value)} aria-describedby={d} aria-invalid={inv || undefined} />
          )}
        </Field>
        <div class="btn-row">
          <button type="submit" class="btn btn--primary" disabled={f.busy}>
            {f.busy ? 'Connexion…' : 'Se connecter'}
          </button>
        </div>
      </form>
      <p>
        Pas encore de compte ? <a href="/inscription">Créer un compte</a>
      </p>
    </section>
  );
}
