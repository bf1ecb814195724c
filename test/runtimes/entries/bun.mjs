// Bun: bun run bun.mjs (the README's form)
import { buildApp } from './app.mjs';

const app = buildApp({});
export default { port: Number(process.env.PORT), hostname: '127.0.0.1', fetch: app.fetch };
