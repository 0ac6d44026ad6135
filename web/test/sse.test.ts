import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseParser, type SseEvent } from '../src/api/sse';

function parse(chunks: string[]): SseEvent[] {
  const out: SseEvent[] = [];
  const p = new SseParser((e) => out.push(e));
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}

test('events as the server writes them', () => {
  const text = 'event: delta\ndata: {"text":"Salut"}\n\nevent: delta\ndata: {"text":" !"}\n\nevent: done\ndata: {"reply":"Salut !"}\n\n';
  assert.deepEqual(parse([text]), [
    { event: 'delta', data: '{"text":"Salut"}' },
    { event: 'delta', data: '{"text":" !"}' },
    { event: 'done', data: '{"reply":"Salut !"}' },
  ]);
});

test('chunks cut anywhere, CRLF line ends, comments, multi-line data', () => {
  const text = ': ping\r\nevent: delta\r\ndata: a\r\ndata: b\r\n\r\nevent: done\r\ndata: {}\r\n\r\n';
  for (let cut = 1; cut < text.length; cut++) {
    assert.deepEqual(parse([text.slice(0, cut), text.slice(cut)]), [
      { event: 'delta', data: 'a\nb' },
      { event: 'done', data: '{}' },
    ], `cut at ${cut}`);
  }
});

test('an event without a name is a message; the last event may lack its blank line', () => {
  assert.deepEqual(parse(['data: x\n\nevent: done\ndata: y']), [
    { event: 'message', data: 'x' },
    { event: 'done', data: 'y' },
  ]);
});
