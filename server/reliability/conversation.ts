/**
 * One streamed ChatKit conversation over a real socket, checked as it arrives: the events come
 * in protocol order, the assistant's text deltas add up to exactly the expected answer (nothing
 * lost, duplicated or reordered), and the final item carries the same text. Shared by the load
 * test and the load benchmark; records timings for the latter.
 */
import type { ThreadStreamEvent } from '../wire/types.js';
import { createThread } from '../test-support/chatkit-client.js';
import { readSse } from '../test-support/sse.js';

export interface ConversationResult {
  /** Empty when everything arrived as expected. */
  problems: string[];
  events: number;
  /** Milliseconds from sending the request to the first event / the first answer text / the last byte. */
  firstEventMs: number;
  firstDeltaMs: number;
  totalMs: number;
}

export async function streamConversation(
  url: string,
  text: string,
  expectedAnswer: string,
  headers: Record<string, string> = {},
  metadata?: Record<string, unknown>,
): Promise<ConversationResult> {
  const problems: string[] = [];
  const started = performance.now();
  let firstEventMs = -1;
  let firstDeltaMs = -1;
  const events: ThreadStreamEvent[] = [];
  try {
    const response = await fetch(`${url}/api/chatkit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(createThread(text, metadata)),
    });
    if (response.status !== 200 || !response.body) {
      return { problems: [`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`], events: 0, firstEventMs: -1, firstDeltaMs: -1, totalMs: performance.now() - started };
    }
    for await (const event of readSse(response.body)) {
      if (firstEventMs < 0) firstEventMs = performance.now() - started;
      if (firstDeltaMs < 0 && event.type === 'thread.item.updated' && event.update.type === 'assistant_message.content_part.text_delta') {
        firstDeltaMs = performance.now() - started;
      }
      events.push(event);
    }
  } catch (error) {
    problems.push(`transport: ${String(error)}`);
  }
  const totalMs = performance.now() - started;
  problems.push(...checkConversation(events, expectedAnswer));
  return { problems, events: events.length, firstEventMs, firstDeltaMs, totalMs };
}

/** Protocol order and completeness of one `threads.create` stream with a plain text answer. */
export function checkConversation(events: readonly ThreadStreamEvent[], expectedAnswer: string): string[] {
  const problems: string[] = [];
  const types = events.map((e) => e.type);
  if (types[0] !== 'thread.created') problems.push(`first event is ${types[0]}`);
  const userDone = events.findIndex((e) => e.type === 'thread.item.done' && e.item.type === 'user_message');
  const options = types.indexOf('stream_options');
  if (!(userDone > 0 && options > userDone)) problems.push(`user item / stream_options out of order: ${types.slice(0, 4).join(',')}`);
  const errors = events.filter((e) => e.type === 'error');
  if (errors.length) problems.push(`error events: ${JSON.stringify(errors).slice(0, 200)}`);

  const added = events.findIndex((e) => e.type === 'thread.item.added' && e.item.type === 'assistant_message');
  const done = events.findIndex((e) => e.type === 'thread.item.done' && e.item.type === 'assistant_message');
  if (added < 0 || done < 0 || done < added) {
    problems.push(`assistant message added/done missing or reversed (${added}, ${done})`);
    return problems;
  }
  const assistantId = (events[added] as Extract<ThreadStreamEvent, { type: 'thread.item.added' }>).item.id;
  let streamed = '';
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.type !== 'thread.item.updated' || event.item_id !== assistantId) continue;
    if (i < added || i > done) problems.push(`update for the assistant item outside added..done at ${i}`);
    if (event.update.type === 'assistant_message.content_part.text_delta') streamed += event.update.delta;
  }
  if (streamed !== expectedAnswer) problems.push(`streamed text ${JSON.stringify(streamed.slice(0, 80))}… ≠ expected (${streamed.length} vs ${expectedAnswer.length} chars)`);
  const final = events[done] as Extract<ThreadStreamEvent, { type: 'thread.item.done' }>;
  const finalText = final.item.type === 'assistant_message' ? final.item.content.map((c) => c.text).join('') : '';
  if (finalText !== expectedAnswer) problems.push('final assistant item text ≠ expected');
  return problems;
}

/** `n` distinct words, so a lost, repeated or swapped chunk changes the text. */
export function numberedChunks(n: number, tag = 'w'): string[] {
  return Array.from({ length: n }, (_, i) => `${tag}${String(i).padStart(3, '0')} `);
}

/** Runs `tasks` with at most `limit` in flight (all of them when limit >= tasks.length). */
export async function inParallel<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
