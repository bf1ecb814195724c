/**
 * Ids and timestamps. Ids follow chatkit-python's `<prefix>_<hex>` shape; timestamps are
 * strictly increasing within the process, because clients and stores order items by
 * `created_at` and equal stamps break the client tool round trip (chatkit-python#123).
 */
import type { ThreadItemType } from '../wire/types.js';

const ITEM_PREFIX: Record<ThreadItemType, string> = {
  user_message: 'msg',
  assistant_message: 'msg',
  client_tool_call: 'tc',
  widget: 'msg',
  generated_image: 'img',
  structured_input: 'si',
  workflow: 'wf',
  task: 'tsk',
  end_of_turn: 'eot',
  hidden_context_item: 'hcx',
  sdk_hidden_context: 'shcx',
};

/**
 * A random id with the given prefix: 64 random bits, so collisions are not a concern.
 * Web Crypto (not `node:crypto`), so the app runs on Workers, Deno and Bun unchanged.
 */
export function newId(prefix: string): string {
  // Random bytes drawn 4 KB at a time: one Web Crypto call per 512 ids instead of one each.
  if (poolOffset + 8 > pool.length) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  let hex = '';
  for (let i = poolOffset; i < poolOffset + 8; i++) hex += HEX[pool[i]!];
  poolOffset += 8;
  return `${prefix}_${hex}`;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

export const newThreadId = (): string => newId('thr');
export const newItemId = (type: ThreadItemType): string => newId(ITEM_PREFIX[type]);
export const newAttachmentId = (): string => newId('atc');

let lastMicros = 0;

/**
 * An ISO-8601 UTC timestamp strictly later than every earlier one returned in this process,
 * with microseconds like chatkit-python's (`2026-11-25T05:35:10.267733Z`). Fixed width, so
 * string order is time order; a microsecond counter keeps stamps distinct within a millisecond.
 */
export function monotonicNow(): string {
  const micros = Math.max(Date.now() * 1000, lastMicros + 1);
  lastMicros = micros;
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  return `${iso.slice(0, -1)}${String(micros % 1000).padStart(3, '0')}Z`;
}
