// POST /api/chat as a stream of server-sent events: delta {text}, done {ChatReply}, error.
import { ApiError, errorFrom, OFFLINE_MESSAGE } from './client';
import { readSse } from './sse';
import type { ChatReply, ErrorBody } from './types';
import { OFFLINE_ACTION, online } from '../state/network';

export interface StreamHandlers {
  onDelta: (text: string) => void;
}

export async function streamChat(message: string, context: Record<string, unknown> | undefined, h: StreamHandlers, signal?: AbortSignal): Promise<ChatReply> {
  if (!online.value) throw new ApiError(0, 'offline', OFFLINE_ACTION);
  let res: Response;
  try {
    res = await fetch('/api/chat', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify(context ? { message, context } : { message }),
      signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', OFFLINE_MESSAGE);
  }
  if (!res.ok) throw await errorFrom(res);
  if (!(res.headers.get('Content-Type') ?? '').includes('text/event-stream')) {
    return (await res.json()) as ChatReply; // a server that answered in JSON
  }
  let reply: ChatReply | null = null;
  let failure: ApiError | null = null;
  await readSse(res, (ev) => {
    if (ev.event === 'delta') {
      const { text } = JSON.parse(ev.data) as { text: string };
      h.onDelta(text);
    } else if (ev.event === 'done') {
      reply = JSON.parse(ev.data) as ChatReply;
    } else if (ev.event === 'error') {
      const body = JSON.parse(ev.data) as ErrorBody;
      failure = new ApiError(500, body.error?.code ?? 'internal', body.error?.message ?? 'PixelCoach n’a pas pu terminer sa réponse.');
    }
  });
  if (failure) throw failure;
  if (!reply) throw new ApiError(0, 'stream_cut', 'La réponse a été interrompue. Réessaie.');
  return reply;
}
