/**
 * Test helpers for ChatKit SSE: a strict parser for the exact framing (`data: <json>\n\n`
 * only) and a reader that yields events as they arrive over a real socket.
 */
import type { ThreadStreamEvent } from '../wire/types.js';

/** The whole body must be `data: {...}\n\n` frames and nothing else. */
export const SSE_FRAMING = /^(data: \{[^\n]*\}\n\n)+$/;

/** Parses a complete SSE body; throws if any byte falls outside the exact framing. */
export function parseSse(text: string): ThreadStreamEvent[] {
  if (text === '') return [];
  if (!SSE_FRAMING.test(text)) throw new Error(`not ChatKit SSE framing: ${JSON.stringify(text.slice(0, 200))}`);
  return text
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => JSON.parse(frame.slice('data: '.length)) as ThreadStreamEvent);
}

/** Reads a streaming body incrementally, yielding each event as soon as its frame is complete. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<ThreadStreamEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end + 2);
        buffer = buffer.slice(end + 2);
        yield* parseSse(frame);
      }
    }
    if (buffer !== '') throw new Error(`stream ended inside a frame: ${JSON.stringify(buffer.slice(0, 200))}`);
  } finally {
    reader.releaseLock();
  }
}
