/**
 * Test-only: `npm start`'s entry (server/main.ts) as a real child process, and a reader for an
 * answer that is cut on purpose (the tests kill the process in the middle of it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ThreadStreamEvent } from '../wire/types.js';
import { readSse } from './sse.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string | null>;
  stop(): Promise<void>;
}

/** Starts server/main.ts with `env` on a free port; rejects with its output if it exits first. */
export function startServerProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<ServerProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env };
  delete childEnv['OPENAI_API_KEY'];
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /chart-chat listening on http:\/\/localhost:(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: `http://127.0.0.1:${match[1]}`,
        child,
        output: () => output,
        exited,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${output}`));
    });
  });
}

export interface OpenStream {
  /** The thread (from `thread.created`, or the one given). */
  threadId: string;
  /** Assistant text streamed so far. */
  text(): string;
  /** Every event read so far. */
  readonly events: ThreadStreamEvent[];
  /** Resolves when the stream ends (or fails: a killed server). */
  readonly done: Promise<void>;
}

/**
 * POSTs a streaming request and resolves once `minChars` of assistant text have arrived,
 * while the stream keeps being read in the background.
 */
export async function openStream(url: string, body: unknown, headers: Record<string, string>, minChars: number, knownThreadId?: string): Promise<OpenStream> {
  const response = await fetch(`${url}/api/chatkit`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (response.status !== 200 || !response.body) throw new Error(`stream refused: ${response.status} ${await response.text()}`);
  const events: ThreadStreamEvent[] = [];
  let text = '';
  let threadId = knownThreadId ?? '';
  let reached!: () => void;
  let failed!: (error: unknown) => void;
  const enough = new Promise<void>((resolve, reject) => ((reached = resolve), (failed = reject)));
  const done = (async () => {
    try {
      for await (const event of readSse(response.body!)) {
        events.push(event);
        if (event.type === 'thread.created') threadId = event.thread.id;
        if (event.type === 'thread.item.updated' && event.update.type === 'assistant_message.content_part.text_delta') text += event.update.delta;
        if (text.length >= minChars) reached();
      }
    } catch {
      // The server was killed mid-stream: that is what these tests do.
    }
    failed(new Error(`the stream ended after ${text.length} chars, before ${minChars}`));
  })();
  await enough;
  return { threadId, text: () => text, events, done };
}
