/**
 * A local stand-in for OpenAI's `POST /v1/chatkit/sessions` (hosted ChatKit), for tests: a real
 * HTTP server the `openai` SDK talks to through `baseURL`. Records every request; can be told
 * to fail with an OpenAI-shaped error.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedHostedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakeHosted {
  /** Base URL to pass as `baseURL` (ends in `/v1`). */
  readonly baseURL: string;
  readonly requests: RecordedHostedRequest[];
  /** The next responses fail with this status and message (in the OpenAI error shape). */
  failWith(status: number, message: string): void;
  close(): Promise<void>;
}

export async function startFakeHosted(): Promise<FakeHosted> {
  const requests: RecordedHostedRequest[] = [];
  let failure: { status: number; message: string } | undefined;
  let counter = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
      } catch {
        body = undefined;
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (failure) return send(failure.status, { error: { message: failure.message, type: 'invalid_request_error', code: null } });
      if (req.method !== 'POST' || req.url !== '/v1/chatkit/sessions') return send(404, { error: { message: 'not found' } });
      const input = body as { user?: unknown; workflow?: { id?: unknown; version?: unknown } };
      if (typeof input?.user !== 'string' || typeof input.workflow?.id !== 'string') {
        return send(400, { error: { message: 'user and workflow.id are required' } });
      }
      counter++;
      const expiresAt = Math.floor(Date.now() / 1000) + 600;
      send(200, {
        id: `cksess_${counter}`,
        object: 'chatkit.session',
        client_secret: `ek_fake_${counter}_secret`,
        expires_at: expiresAt,
        status: 'active',
        user: input.user,
        workflow: { id: input.workflow.id, version: input.workflow.version ?? null, state_variables: null, tracing: { enabled: true } },
        chatkit_configuration: {
          automatic_thread_titling: { enabled: true },
          file_upload: { enabled: false, max_file_size: null, max_files: null },
          history: { enabled: true, recent_threads: null },
        },
        rate_limits: { max_requests_per_1_minute: 10 },
        max_requests_per_1_minute: 10,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    failWith(status, message) {
      failure = { status, message };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
