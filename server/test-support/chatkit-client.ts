/**
 * A tiny ChatKit protocol client over a Hono app (in-process `app.request`) or a URL (real
 * socket), for tests: builds request bodies, posts them, parses JSON or SSE answers.
 */
import type { Hono } from 'hono';
import type { ThreadStreamEvent } from '../wire/types.js';
import { parseSse } from './sse.js';

export interface Answer {
  status: number;
  contentType: string;
  raw: string;
  /** Parsed JSON body (JSON answers) — undefined for streams. */
  json?: unknown;
  /** Parsed events (stream answers). */
  events?: ThreadStreamEvent[];
}

export type Target = Hono | string;

/** Like the element, this client always says who it is: a 128-bit client id unless the test gives an identity. */
export const TEST_CLIENT: Readonly<Record<string, string>> = { 'x-chart-chat-client': 'test-client-0123456789abcdef0123456789' };

const hasIdentity = (headers: Record<string, string>) =>
  Object.keys(headers).some((name) => ['x-chart-chat-client', 'authorization'].includes(name.toLowerCase()));

/** POSTs a body (object → JSON; string → sent verbatim) and parses the answer. */
export async function post(target: Target, body: unknown, headers: Record<string, string> = {}, path = '/api/chatkit'): Promise<Answer> {
  const init: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(hasIdentity(headers) ? {} : TEST_CLIENT), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
  const response = typeof target === 'string' ? await fetch(`${target}${path}`, init) : await target.request(path, init);
  const raw = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const answer: Answer = { status: response.status, contentType, raw };
  if (contentType.startsWith('text/event-stream')) answer.events = parseSse(raw);
  else if (raw !== '') answer.json = JSON.parse(raw);
  return answer;
}

export const userInput = (text: string, extra: Record<string, unknown> = {}) => ({
  content: [{ type: 'input_text', text }],
  attachments: [],
  quoted_text: null,
  inference_options: {},
  ...extra,
});

export const createThread = (text: string, metadata?: Record<string, unknown>) => ({
  type: 'threads.create',
  params: { input: userInput(text) },
  ...(metadata ? { metadata } : {}),
});

export const addMessage = (threadId: string, text: string, metadata?: Record<string, unknown>) => ({
  type: 'threads.add_user_message',
  params: { thread_id: threadId, input: userInput(text) },
  ...(metadata ? { metadata } : {}),
});

/** The id of the thread a `threads.create` stream created. */
export function createdThreadId(answer: Answer): string {
  const created = answer.events?.find((event) => event.type === 'thread.created');
  if (!created || created.type !== 'thread.created') throw new Error(`no thread.created in ${answer.raw.slice(0, 300)}`);
  return created.thread.id;
}
