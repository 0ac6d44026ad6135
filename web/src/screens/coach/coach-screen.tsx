// PixelCoach chat: streamed replies (SSE), history loaded on scroll, proposals,
// rate-limit wait, clear history.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { streamChat } from '../../api/chat';
import { ApiError, del, get, query } from '../../api/client';
import type { ChatHistory, ChatMessage, Proposal } from '../../api/types';
import { Avatar } from '../../components/avatar';
import { FormError } from '../../components/field';
import { useNow } from '../../lib/hooks';
import { dayLabel, dayOf, hhmm, today } from '../../lib/time';
import { formatWait } from '../../lib/use-form';
import { route } from '../../router';
import { timezone } from '../../state/auth';
import { online } from '../../state/network';
import { ProposalCard } from './proposal-card';

type Msg = ChatMessage;

const PAGE = 30;

function when(iso: string, tz: string): string {
  const d = dayOf(iso, tz);
  return d === today(tz) ? hhmm(iso, tz) : `${dayLabel(d, { day: 'numeric', month: 'short' })}, ${hhmm(iso, tz)}`;
}
const SUGGESTIONS = ['Quelle est ma prochaine session ?', 'Fais-moi le bilan de la semaine', 'Fais-moi un planning pour la semaine'];

export default function CoachScreen() {
  const tz = timezone.value;
  const [messages, setMessages] = useState<Msg[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [stream, setStream] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [retryUntil, setRetryUntil] = useState<number | null>(null);
  const [confirmClear, setConfirmClear] = useState(false);
  const logRef = useRef<HTMLDivElement>(null);
  const topRef = useRef<HTMLDivElement>(null);
  const keepScroll = useRef<number | null>(null);
  const stick = useRef(true);
  const now = useNow(1000);
  const wait = retryUntil && retryUntil > now ? Math.ceil((retryUntil - now) / 1000) : 0;

  useEffect(() => {
    get<ChatHistory>('/api/chat/history' + query({ limit: PAGE }))
      .then((h) => {
        setMessages(h.messages);
        setCursor(h.nextCursor);
      })
      .catch((e) => setError(e instanceof ApiError ? e.message : 'La conversation n’a pas pu être chargée.'))
      .finally(() => setLoaded(true));
  }, []);

  async function loadOlder() {
    if (!cursor || loadingOlder) return;
    setLoadingOlder(true);
    try {
      const h = await get<ChatHistory>('/api/chat/history' + query({ limit: PAGE, before: cursor }));
      keepScroll.current = logRef.current ? logRef.current.scrollHeight - logRef.current.scrollTop : null;
      setMessages((m) => [...h.messages, ...m]);
      setCursor(h.nextCursor);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Les messages précédents n’ont pas pu être chargés.');
    } finally {
      setLoadingOlder(false);
    }
  }

  // Older messages load when the top of the conversation scrolls into view.
  useEffect(() => {
    const top = topRef.current;
    if (!top || !cursor || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void loadOlder();
    }, { root: logRef.current, rootMargin: '40px' });
    io.observe(top);
    return () => io.disconnect();
  }, [cursor, loaded, loadingOlder]);

  // Scroll: keep the position when older messages are prepended; else follow the bottom.
  useLayoutEffect(() => {
    const log = logRef.current;
    if (!log) return;
    if (keepScroll.current !== null) {
      log.scrollTop = log.scrollHeight - keepScroll.current;
      keepScroll.current = null;
    } else if (stick.current) {
      log.scrollTop = log.scrollHeight;
    }
  }, [messages, stream]);

  async function send(message: string) {
    const m = message.trim();
    if (!m || sending || wait) return;
    setSending(true);
    setError(null);
    stick.current = true;
    const tmp: Msg = { _id: 'tmp-' + Date.now(), role: 'user', content: m, createdAt: new Date().toISOString() };
    setMessages((list) => [...list, tmp]);
    setText('');
    setStream('');
    try {
      const reply = await streamChat(m, { ecran: route.value.path }, { onDelta: (t) => setStream((s) => (s ?? '') + t) });
      setMessages((list) => [
        ...list,
        { _id: reply.messageId, role: 'coach', content: reply.reply, source: reply.source, createdAt: reply.createdAt, proposals: reply.proposals },
      ]);
    } catch (e) {
      setMessages((list) => list.filter((x) => x._id !== tmp._id));
      setText((cur) => (cur ? cur : message));
      if (e instanceof ApiError && e.status === 429) {
        const s = e.retryAfter ?? 60;
        setRetryUntil(Date.now() + s * 1000);
        setError(e.message);
      } else {
        setError(e instanceof ApiError ? e.message : 'PixelCoach n’a pas pu répondre. Réessaie.');
      }
    } finally {
      setStream(null);
      setSending(false);
    }
  }

  async function clear() {
    try {
      await del('/api/chat/history');
      setMessages([]);
      setCursor(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'La conversation n’a pas pu être effacée.');
    } finally {
      setConfirmClear(false);
    }
  }

  const setProposal = (msgId: string, p: Proposal) =>
    setMessages((list) => list.map((m) => (m._id === msgId ? { ...m, proposals: m.proposals?.map((x) => (x._id === p._id ? p : x)) } : m)));

  return (
    <section class="screen coach-screen">
      <div class="screen-head">
        <div class="auth-hero">
          <Avatar size={56} />
          <h1>PixelCoach</h1>
        </div>
        {confirmClear ? (
          <div class="btn-row">
            <button type="button" class="btn btn--danger btn--small" onClick={clear} data-testid="confirm-clear-chat">
              Oui, tout effacer
            </button>
            <button type="button" class="btn btn--small" onClick={() => setConfirmClear(false)}>
              Garder
            </button>
          </div>
        ) : (
          <button type="button" class="btn btn--small" onClick={() => setConfirmClear(true)} disabled={!online.value || messages.length === 0} data-testid="clear-chat">
            Effacer la conversation
          </button>
        )}
      </div>

      <div class="chat-log" ref={logRef} tabIndex={0} role="region" aria-label="Conversation avec PixelCoach"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
        data-testid="chat-log">
        <div ref={topRef} class="chat-top">
          {cursor ? (
            <button type="button" class="btn btn--small" onClick={loadOlder} disabled={loadingOlder} data-testid="load-older">
              {loadingOlder ? 'Chargement…' : 'Messages précédents'}
            </button>
          ) : (
            loaded && messages.length > 0 && <p class="hint">Début de la conversation.</p>
          )}
        </div>
        {loaded && messages.length === 0 && stream === null && (
          <p class="chat-empty">Salut ! Pose-moi une question sur ton planning, ou demande-moi de le réorganiser.</p>
        )}
        <ol class="chat-list">
          {messages.map((m) => (
            <li class={'chat-msg chat-msg--' + m.role} data-testid="chat-message" data-role={m.role} data-message-id={m._id}>
              <p class="chat-who">
                {m.role === 'coach' ? 'PixelCoach' : 'Toi'}
                <span class="chat-time"> · {when(m.createdAt, tz)}</span>
                {m.role === 'coach' && m.source === 'fallback' && (
                  <span class="chat-source" data-testid="fallback-note">
                    {' '}
                    · réponse du coach intégré
                  </span>
                )}
              </p>
              <p class="chat-text">{m.content}</p>
              {m.proposals && m.proposals.length > 0 && (
                <div class="proposals">
                  {m.proposals.map((p) => (
                    <ProposalCard proposal={p} onChange={(np) => setProposal(m._id, np)} />
                  ))}
                </div>
              )}
            </li>
          ))}
        </ol>
        <div class="chat-stream" aria-live="polite" aria-atomic="false" data-testid="coach-stream">
          {stream !== null && (
            <div class="chat-msg chat-msg--coach chat-msg--streaming">
              <p class="chat-who">PixelCoach</p>
              <p class="chat-text">{stream || <span class="typing">PixelCoach écrit…</span>}</p>
            </div>
          )}
        </div>
      </div>

      <form
        class="chat-form"
        onSubmit={(e) => {
          e.preventDefault();
          void send(text);
        }}
        data-testid="chat-form"
      >
        <FormError message={error} />
        {wait > 0 && (
          <p class="notice" data-testid="retry-wait">
            Tu pourras écrire à nouveau dans {formatWait(wait)}.
          </p>
        )}
        <label for="chat-input">Ton message à PixelCoach</label>
        <textarea
          id="chat-input"
          value={text}
          maxLength={4000}
          rows={2}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              void send(text);
            }
          }}
          aria-describedby="chat-help"
        />
        <p class="hint" id="chat-help">
          Entrée pour envoyer, Maj+Entrée pour aller à la ligne.
        </p>
        <div class="btn-row">
          <button type="submit" class="btn btn--primary" disabled={sending || wait > 0 || !online.value || !text.trim()} data-testid="chat-send">
            {sending ? 'Envoi…' : 'Envoyer'}
          </button>
          {SUGGESTIONS.map((s) => (
            <button type="button" class="btn btn--small" onClick={() => void send(s)} disabled={sending || wait > 0 || !online.value}>
              {s}
            </button>
          ))}
        </div>
        {!online.value && <p class="notice">Hors ligne : PixelCoach a besoin d’une connexion.</p>}
      </form>
    </section>
  );
}
