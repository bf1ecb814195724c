// The app every runtime serves in the runtime suite, built from the packed package the way the
// README's "Deploying" section does: configuration read from an environment, at module scope.
import { createApp, clientIp, EchoResponder, readConfig } from 'chart-chat/server';

export function buildApp(env) {
  const config = readConfig({ CORS_ORIGINS: 'https://shop.example', LOG_LEVEL: 'warn', RATE_LIMIT_IP_PER_MIN: '600', ...env });
  const app = createApp({ ...config.app, responder: new EchoResponder() });
  // What the runtime says the client's address is (the suite checks it is known).
  app.get('/test/client-ip', async (c) => c.json({ ip: (await clientIp(c)) ?? null }));
  return app;
}
