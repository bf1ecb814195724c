/**
 * An incremental Server-Sent Events parser. Network chunks split events anywhere (inside a
 * line, between "\r" and "\n", inside a UTF-8 character), so bytes are decoded as a stream and
 * only complete lines are interpreted. ChatKit sends `data: <json>\n\n` per event; the parser
 * follows the SSE spec enough to also accept comments, other fields and multi-line data.
 */

/** Feeds text chunks, returns the `data` payload of every event they complete. */
export class SseParser {
  #buffer = '';
  #data: string[] = [];

  push(chunk: string): string[] {
    const events: string[] = [];
    this.#buffer += chunk;
    let start = 0;
    for (let nl = this.#buffer.indexOf('\n', start); nl !== -1; nl = this.#buffer.indexOf('\n', start)) {
      let line = this.#buffer.slice(start, nl);
      start = nl + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (this.#data.length) events.push(this.#data.join('\n'));
        this.#data = [];
      } else if (line.startsWith('data:')) {
        this.#data.push(line.slice(line[5] === ' ' ? 6 : 5));
      }
      // Comments (":...") and other fields (event, id, retry) carry nothing ChatKit uses.
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }
}

/** Yields each event's data from a fetch response body, as soon as the event is complete. */
export async function* readSse(body: ReadableStream<BufferSource>): AsyncGenerator<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield* parser.push(value);
    }
  } finally {
    // Stop the download when the consumer leaves early (Stop button, new thread).
    reader.cancel().catch(() => {});
  }
}
