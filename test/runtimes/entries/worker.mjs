// Cloudflare Workers (workerd): the README's form. The app is built at module scope, where
// Workers refuse random values and timers; nothing in it may need them before a request.
import { buildApp } from './app.mjs';

const app = buildApp({});
export default { fetch: app.fetch };
