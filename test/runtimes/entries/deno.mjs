// Deno: deno run -A --node-modules-dir=manual deno.mjs (the README's form)
import { buildApp } from './app.mjs';

const app = buildApp({});
Deno.serve({ port: Number(Deno.env.get('PORT')), hostname: '127.0.0.1', onListen() {} }, app.fetch);
