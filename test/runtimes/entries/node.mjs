// Node: node node.mjs
import { serve } from '@hono/node-server';
import { buildApp } from './app.mjs';

const app = buildApp({});
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
