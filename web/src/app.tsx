// The app shell: skip link, header, navigation, main landmark, current screen.
import type { FunctionComponent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Avatar } from './components/avatar';
import { NavIcon } from './components/nav-icon';
import { ThemeSwitch } from './components/theme-switch';
import { Toast } from './components/toast';
import { findRoute, NAV, type RouteDef } from './routes';
import { navigate, onLinkClick, route } from './router';
import { logout, user } from './state/auth';
import { online, servedFromCache } from './state/network';

// Screens already loaded, by loader: going back to one draws it at once, without « Chargement… ».
const loadedScreens = new Map<RouteDef['load'], FunctionComponent>();

/** The route's screen component: synchronous for the entry bundle's screens and for those loaded
 * before (no extra render, layout and paint after the first), otherwise loaded, then drawn. */
function useScreen(def: RouteDef | undefined) {
  const ready = def ? def.component ?? loadedScreens.get(def.load) ?? null : null;
  const [, setLoadedCount] = useState(0);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!def || ready) return;
    let live = true;
    setFailed(false);
    def.load().then(
      (m) => {
        loadedScreens.set(def.load, m.default);
        if (live) setLoadedCount((n) => n + 1);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [def, ready]);
  return { Screen: ready, failed: failed && !ready };
}

/** Where to go after login: only a path of this app (never another site). */
function safeNext(suite: string | null): string {
  return suite && /^\/(?![/\\])/.test(suite) && !suite.startsWith('/api/') ? suite : '/planning';
}

function NotFound() {
  return (
    <section class="screen">
      <h1 tabIndex={-1}>Page introuvable</h1>
      <p>Cette page n’existe pas. <a href="/planning">Retour au planning</a></p>
    </section>
  );
}

function Loading() {
  return (
    <p class="loading" role="status">
      Chargement…
    </p>
  );
}

export function App() {
  const loc = route.value;
  const me = user.value;
  const def = findRoute(loc.path);
  const first = useRef(true);

  // Guards: "/" and private screens need a user; public screens send signed-in users on.
  useEffect(() => {
    if (me === undefined) return;
    if (loc.path === '/') navigate(me ? '/planning' : '/connexion', { replace: true });
    else if (def && !def.public && me === null) navigate('/connexion?suite=' + encodeURIComponent(loc.path + location.search), { replace: true });
    else if (def?.public && me) navigate(safeNext(loc.query.get('suite')), { replace: true });
  }, [me, loc.path, def]);

  const { Screen, failed } = useScreen(def);

  // Title and focus management after each navigation.
  useEffect(() => {
    if (!Screen || !def) return;
    document.title = `${def.title} · PlanÉtude`;
    if (first.current) {
      first.current = false;
      return;
    }
    const h1 = document.querySelector<HTMLElement>('main h1');
    if (h1) {
      if (!h1.hasAttribute('tabindex')) h1.tabIndex = -1;
      h1.focus({ preventScroll: false });
    }
  }, [Screen, loc.path]);

  // A private screen while /api/users/me is pending is most likely a signed-in visit: draw the
  // full shell at once so that nothing moves when the answer arrives.
  const showNav = !!me || (me === undefined && !!def && !def.public);
  let content;
  if (me === undefined) content = <Loading />;
  else if (!def) content = <NotFound />;
  else if (failed)
    content = (
      <p class="form-error" role="alert">
        Impossible de charger cette page{online.value ? '' : ' hors ligne'}. <button type="button" class="btn" onClick={() => location.reload()}>Recharger</button>
      </p>
    );
  else if (!Screen || (!def.public && !me) || (def.public && me)) content = <Loading />;
  else content = <Screen />;

  return (
    <div class={'shell' + (showNav ? ' shell--nav' : '')} onClick={onLinkClick}>
      <a
        class="skip-link"
        href="#contenu"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('contenu')?.focus();
        }}
      >
        Aller au contenu
      </a>
      <header class="topbar">
        <a class="brand" href={me ? '/planning' : '/connexion'} aria-label="PlanÉtude, accueil">
          <Avatar size={40} />
          <span class="brand-name" aria-hidden="true">
            PlanÉtude
          </span>
        </a>
        <div class="topbar-actions">
          <ThemeSwitch />
          {showNav && (
            <button type="button" class="btn btn--ghost" onClick={() => void logout()} disabled={!online.value} data-testid="logout">
              Se déconnecter
            </button>
          )}
        </div>
      </header>
      {showNav && (
        <nav class="mainnav" aria-label="Navigation principale">
          <ul>
            {NAV.map((n) => {
              const current = loc.path === n.path || loc.path.startsWith(n.path + '/');
              return (
                <li>
                  <a href={n.path} aria-current={current ? 'page' : undefined} data-testid={'nav-' + n.icon}>
                    <NavIcon name={n.icon} />
                    <span>{n.label}</span>
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
      )}
      <main id="contenu" tabIndex={-1}>
        {(!online.value || servedFromCache.value) && (
          <p class="offline-banner" role="status" data-testid="offline-banner">
            <strong>Hors ligne.</strong> Tu vois la dernière version enregistrée de ton planning ; les modifications demandent une connexion.
          </p>
        )}
        {content}
      </main>
      <Toast />
    </div>
  );
}
