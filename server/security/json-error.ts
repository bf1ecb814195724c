/**
 * The one error shape every middleware here answers with: `{ error: { code, message } }`.
 * Messages are fixed strings chosen here, never built from the request, so nothing the client
 * sent (or any secret) is ever echoed back.
 */

export function jsonError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}
