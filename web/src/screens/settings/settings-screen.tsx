// Settings: profile (name, time zone, subjects, themes), theme, password,
// school timetable, calendar feed, export, account deletion.
import { useState } from 'preact/hooks';
import { ApiError, del, patch, post, put } from '../../api/client';
import type { User } from '../../api/types';
import { Field, FormError } from '../../components/field';
import { TimeZoneInput } from '../../components/timezone-select';
import { showToast } from '../../components/toast';
import { useForm } from '../../lib/use-form';
import { forget, user } from '../../state/auth';
import { online } from '../../state/network';
import { setTheme, themeChoice, type ThemeChoice } from '../../state/theme';
import { ListEditor } from './list-editor';
import { TimetableCard } from './timetable-card';

function profileField(path: string): string | undefined {
  if (path.startsWith('preferences.matieres')) return 'matieres';
  if (path.startsWith('preferences.themes')) return 'themes';
  return ['name', 'timezone'].includes(path) ? path : undefined;
}

function Profile({ me }: { me: User }) {
  const f = useForm({ name: me.name, timezone: me.timezone, matieres: me.preferences.matieres, themes: me.preferences.themes });
  async function onSubmit(e: Event) {
    e.preventDefault();
    const v = f.values;
    const u = await f.submit(
      () => patch<User>('/api/users/me', { name: v.name, timezone: v.timezone, preferences: { matieres: v.matieres, themes: v.themes } }),
      profileField,
    );
    if (u) {
      user.value = u;
      showToast({ text: 'Profil enregistré.' });
    }
  }
  return (
    <form class="form" onSubmit={onSubmit} noValidate data-testid="profile-form">
      <FormError message={f.errors.form} />
      <Field id="pf-name" label="Prénom ou pseudo" error={f.errors.fields.name}>
        {(d, inv) => (
          <input id="pf-name" type="text" maxLength={100} required value={f.values.name} onInput={(e) => f.set('name', e.currentTarget.value)}
            aria-describedby={d} aria-invalid={inv || undefined} />
        )}
      </Field>
      <Field id="pf-timezone" label="Fuseau horaire" hint="Ton planning, « aujourd’hui » et tes séries sont calculés dans ce fuseau." error={f.errors.fields.timezone}>
        {(d, inv) => <TimeZoneInput id="pf-timezone" value={f.values.timezone} onInput={(v) => f.set('timezone', v)} describedBy={d} invalid={inv} />}
      </Field>
      <ListEditor id="pf-matieres" label="Mes matières" items={f.values.matieres} onChange={(l) => f.set('matieres', l)} error={f.errors.fields.matieres} />
      <ListEditor id="pf-themes" label="Mes thèmes" items={f.values.themes} onChange={(l) => f.set('themes', l)} error={f.errors.fields.themes} />
      <div class="btn-row">
        <button type="submit" class="btn btn--primary" disabled={f.busy || !online.value}>
          {f.busy ? 'Enregistrement…' : 'Enregistrer le profil'}
        </button>
      </div>
    </form>
  );
}

function Appearance() {
  const options: { v: ThemeChoice; label: string }[] = [
    { v: 'system', label: 'Comme l’appareil' },
    { v: 'light', label: 'Clair' },
    { v: 'dark', label: 'Sombre' },
  ];
  return (
    <fieldset data-testid="theme-choice">
      <legend>Thème d’affichage</legend>
      {options.map((o) => (
        <label class="check" for={'theme-' + o.v}>
          <input id={'theme-' + o.v} type="radio" name="theme" value={o.v} checked={themeChoice.value === o.v} onChange={() => setTheme(o.v)} />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

function Password() {
  const f = useForm({ currentPassword: '', newPassword: '' });
  async function onSubmit(e: Event) {
    e.preventDefault();
    const ok = await f.submit(async () => {
      await put('/api/users/me/password', f.values);
      return true;
    }, (p) => (p === 'currentPassword' || p === 'newPassword' ? p : undefined), { invalid_credentials: 'currentPassword' });
    if (ok) {
      f.setValues({ currentPassword: '', newPassword: '' });
      showToast({ text: 'Mot de passe changé. Tes autres appareils sont déconnectés.' });
    }
  }
  return (
    <form class="form" onSubmit={onSubmit} noValidate data-testid="password-form">
      <FormError message={f.errors.form} />
      <input type="text" name="username" autocomplete="username" value={user.value?.email ?? ''} hidden readOnly />
      <Field id="pw-current" label="Mot de passe actuel" error={f.errors.fields.currentPassword}>
        {(d, inv) => (
          <input id="pw-current" type="password" autocomplete="current-password" value={f.values.currentPassword}
            onInput={(e) => f.set('currentPassword', e.currentTarget.value)} aria-describedby={d} aria-invalid={inv || undefined} />
        )}
      </Field>
      <Field id="pw-new" label="Nouveau mot de passe" hint="8 caractères au moins." error={f.errors.fields.newPassword}>
        {(d, inv) => (
          <input id="pw-new" type="password" autocomplete="new-password" value={f.values.newPassword}
            onInput={(e) => f.set('newPassword', e.currentTarget.value)} aria-describedby={d} aria-invalid={inv || undefined} />
        )}
      </Field>
      <div class="btn-row">
        <button type="submit" class="btn btn--primary" disabled={f.busy || !online.value}>
          Changer le mot de passe
        </button>
      </div>
    </form>
  );
}

function CalendarFeed() {
  const [url, setUrl] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function create() {
    setBusy(true);
    setError(null);
    setMsg(null);
    try {
      const r = await post<{ url: string }>('/api/users/me/calendar-feed');
      setUrl(r.url);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Le lien n’a pas pu être créé.');
    } finally {
      setBusy(false);
    }
  }
  async function revoke() {
    setBusy(true);
    setError(null);
    try {
      await del('/api/users/me/calendar-feed');
      setUrl(null);
      setMsg('Lien désactivé : ton agenda ne recevra plus tes sessions.');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Le lien n’a pas pu être désactivé.');
    } finally {
      setBusy(false);
    }
  }
  async function copy() {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setMsg('Lien copié.');
    } catch {
      (document.getElementById('feed-url') as HTMLInputElement | null)?.select();
      setMsg('Sélectionne le lien et copie-le (Ctrl+C).');
    }
  }
  return (
    <div class="form" data-testid="calendar-feed">
      <p>Abonne ton agenda (Google Agenda, Apple Calendrier…) à tes sessions grâce à un lien secret. Créer un nouveau lien désactive l’ancien.</p>
      {url && (
        <div class="field">
          <label for="feed-url">Lien de ton agenda</label>
          <input id="feed-url" type="url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} data-testid="feed-url" />
        </div>
      )}
      <div class="btn-row">
        <button type="button" class="btn btn--primary" onClick={create} disabled={busy || !online.value} data-testid="feed-create">
          {url ? 'Créer un nouveau lien' : 'Créer le lien'}
        </button>
        {url && (
          <button type="button" class="btn" onClick={copy}>
            Copier le lien
          </button>
        )}
        <button type="button" class="btn btn--danger" onClick={revoke} disabled={busy || !online.value} data-testid="feed-revoke">
          Désactiver le lien
        </button>
      </div>
      <div role="status">{msg && <p class="success-text">{msg}</p>}</div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function DeleteAccount() {
  const f = useForm({ password: '' });
  const [confirm, setConfirm] = useState(false);
  async function onSubmit(e: Event) {
    e.preventDefault();
    if (!confirm) {
      setConfirm(true);
      return;
    }
    const ok = await f.submit(async () => {
      await del('/api/users/me', { password: f.values.password });
      return true;
    }, (p) => (p === 'password' ? p : undefined), { invalid_credentials: 'password' });
    if (ok) {
      await forget('/inscription');
    }
  }
  return (
    <form class="form" onSubmit={onSubmit} noValidate data-testid="delete-account-form">
      <p>Supprime ton compte et toutes tes données (plannings, progrès, conversation, agenda). C’est définitif.</p>
      <FormError message={f.errors.form} />
      <Field id="del-password" label="Mot de passe" error={f.errors.fields.password}>
        {(d, inv) => (
          <input id="del-password" type="password" autocomplete="current-password" value={f.values.password}
            onInput={(e) => f.set('password', e.currentTarget.value)} aria-describedby={d} aria-invalid={inv || undefined} />
        )}
      </Field>
      <div class="btn-row">
        <button type="submit" class="btn btn--danger" disabled={f.busy || !online.value || !f.values.password} data-testid="delete-account">
          {confirm ? 'Confirmer : supprimer définitivement' : 'Supprimer mon compte'}
        </button>
        {confirm && (
          <button type="button" class="btn" onClick={() => setConfirm(false)}>
            Annuler
          </button>
        )}
      </div>
    </form>
  );
}

export default function SettingsScreen() {
  const me = user.value;
  if (!me) return null;
  return (
    <section class="screen settings-screen">
      <h1>Réglages</h1>
      {!online.value && <p class="notice">Hors ligne : les réglages demandent une connexion.</p>}
      <section class="card" aria-labelledby="set-profile">
        <h2 id="set-profile">Profil</h2>
        <p class="hint">Connecté·e en tant que {me.email}.</p>
        <Profile me={me} />
      </section>
      <section class="card" aria-labelledby="set-look">
        <h2 id="set-look">Apparence</h2>
        <Appearance />
      </section>
      <section class="card" aria-labelledby="set-password">
        <h2 id="set-password">Mot de passe</h2>
        <Password />
      </section>
      <section class="card" aria-labelledby="set-timetable">
        <h2 id="set-timetable">Emploi du temps</h2>
        <TimetableCard />
      </section>
      <section class="card" aria-labelledby="set-feed">
        <h2 id="set-feed">Agenda</h2>
        <CalendarFeed />
      </section>
      <section class="card" aria-labelledby="set-export">
        <h2 id="set-export">Mes données</h2>
        <p>Télécharge tout ce que PlanÉtude garde sur toi, au format JSON.</p>
        <a class="btn" href="/api/users/me/export" download="planetude-export.json" data-testid="export-link">
          Exporter mes données
        </a>
      </section>
      <section class="card card--danger" aria-labelledby="set-delete">
        <h2 id="set-delete">Supprimer mon compte</h2>
        <DeleteAccount />
      </section>
    </section>
  );
}
