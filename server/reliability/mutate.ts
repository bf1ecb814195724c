/**
 * Request mutators for the fuzz test: deterministic (seeded) ways to damage a valid ChatKit
 * request — bit flips, type swaps, deleted or duplicated keys, huge values, deep nesting,
 * random ops, truncation, junk bytes — each returning the body to send.
 */

/** Seeded so that a failing run can be replayed (`FUZZ_SEED`). */
export { seededRandom as prng } from '../analysis/synthetic.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const OPS = [
  'threads.create', 'threads.add_user_message', 'threads.add_client_tool_output', 'threads.retry_after_item',
  'threads.custom_action', 'threads.add_structured_input', 'threads.get_by_id', 'threads.list', 'threads.update',
  'threads.delete', 'items.list', 'items.feedback', 'threads.sync_custom_action', 'attachments.create',
  'attachments.delete', 'input.transcribe',
] as const;

export class Mutator {
  constructor(
    readonly random: () => number,
    /** Real ids (threads, items) so mutations also reach deep code paths, not only validation. */
    readonly ids: () => string[],
  ) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** One mutated body (a string: it may not even be JSON). */
  mutate(seed: Json): string | Uint8Array {
    const strategies: Array<() => string | Uint8Array> = [
      () => JSON.stringify(this.#structural(clone(seed))),
      () => JSON.stringify(this.#structural(this.#structural(clone(seed)))),
      () => JSON.stringify(this.#structural(this.#structural(this.#structural(clone(seed))))),
      () => this.#bitFlip(JSON.stringify(seed)),
      () => this.#truncate(JSON.stringify(seed)),
      () => this.#duplicateKey(JSON.stringify(seed)),
      () => this.#textual(JSON.stringify(seed)),
      () => JSON.stringify(this.#withRandomOp(clone(seed))),
      () => JSON.stringify(this.#withRealIds(clone(seed))),
      () => this.#nest(JSON.stringify(seed)),
    ];
    return this.pick(strategies)();
  }

  #structural(value: Json): Json {
    const paths = collectPaths(value);
    const path = this.pick(paths);
    const kind = this.int(7);
    if (path.length === 0) return kind < 3 ? this.#randomValue(3) : value;
    const parent = getAt(value, path.slice(0, -1)) as Record<string, Json> | Json[];
    const key = path[path.length - 1]!;
    switch (kind) {
      case 0: // delete
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 1: // type swap
        (parent as Record<string, Json>)[key] = this.#randomValue(2);
        break;
      case 2: // huge value
        (parent as Record<string, Json>)[key] = this.#hugeValue();
        break;
      case 3: // add a stray key
        if (!Array.isArray(parent)) parent[this.pick(['__proto__', 'constructor', 'prototype', 'type', 'params', 'x', 'thread_id', ''])] = this.#randomValue(2);
        break;
      case 4: // duplicate an array element many times
        if (Array.isArray(parent)) for (let i = 0, n = this.int(200); i < n; i++) parent.push(clone(parent[Number(key)] ?? null));
        else (parent as Record<string, Json>)[key] = [getAt(value, path) as Json, getAt(value, path) as Json];
        break;
      case 5: // deep nesting in place
        (parent as Record<string, Json>)[key] = deep(40 + this.int(60), getAt(value, path) as Json) // extreme depth is #nest's job (text level);
        break;
      default: // boundary numbers and strings
        (parent as Record<string, Json>)[key] = this.pick<Json>([0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.1, -0, '', ' ', '\u0000', '\ud800', '💥'.repeat(100), '<script>alert(1)</script>', 'thr_' + 'f'.repeat(16)]);
    }
    return value;
  }

  #randomValue(depth: number): Json {
    switch (this.int(depth > 0 ? 8 : 6)) {
      case 0: return null;
      case 1: return this.random() < 0.5;
      case 2: return this.pick([0, -1, 1.5, 1e21, -(2 ** 31), Number.MAX_SAFE_INTEGER]);
      case 3: return this.pick(['', 'a', 'threads.create', 'input_text', 'asc', 'desc', 'positive', 'x'.repeat(this.int(300))]);
      case 4: return this.ids().length ? this.pick(this.ids()) : 'thr_missing';
      case 5: return String.fromCharCode(...Array.from({ length: this.int(20) }, () => this.int(0x3000)));
      case 6: return Array.from({ length: this.int(4) }, () => this.#randomValue(depth - 1));
      default: return Object.fromEntries(Array.from({ length: this.int(4) }, (_, i) => [`k${i}`, this.#randomValue(depth - 1)]));
    }
  }

  #hugeValue(): Json {
    switch (this.int(4)) {
      case 0: return 'x'.repeat(100_000 + this.int(50_000));
      case 1: return Array.from({ length: 20_000 }, (_, i) => i);
      case 2: return Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`key${i}`, i]));
      default: return '9'.repeat(400); // a number-ish string too big for any integer
    }
  }

  #bitFlip(text: string): Uint8Array {
    const bytes = new TextEncoder().encode(text);
    for (let i = 0, n = 1 + this.int(4); i < n; i++) {
      const at = this.int(bytes.length);
      bytes[at]! ^= 1 << this.int(8);
    }
    return bytes;
  }

  #truncate(text: string): string {
    return text.slice(0, this.int(text.length));
  }

  /** Duplicate keys are legal-ish JSON that parsers resolve differently; ours must not care. */
  #duplicateKey(text: string): string {
    const keys = [...text.matchAll(/"([a-z_]+)":/g)];
    if (keys.length === 0) return text;
    const match = this.pick(keys);
    const injected = `"${match[1]}":${JSON.stringify(this.#randomValue(1))},`;
    return text.slice(0, match.index) + injected + text.slice(match.index);
  }

  #textual(text: string): string | Uint8Array {
    switch (this.int(7)) {
      case 0: return '';
      case 1: return 'null';
      case 2: return `[${text}]`;
      case 3: return text + text;
      case 4: return Uint8Array.from([0xff, 0xfe, ...new TextEncoder().encode(text)]); // not UTF-8
      case 5: return text.replace(/"/g, "'");
      default: return Array.from({ length: this.int(500) }, () => String.fromCharCode(this.int(128))).join('');
    }
  }

  #withRandomOp(value: Json): Json {
    if (value && typeof value === 'object' && !Array.isArray(value)) value['type'] = this.pick(OPS);
    return value;
  }

  #withRealIds(value: Json): Json {
    const ids = this.ids();
    const walk = (node: Json): Json => {
      if (Array.isArray(node)) return node.map(walk);
      if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) node[k] = /_id$/.test(k) && ids.length ? this.pick(ids) : walk(v);
      }
      return node;
    };
    return walk(value);
  }

  #nest(text: string): string {
    const depth = this.pick([65, 65, 200, 200, 10_000, 100_000]);
    return '['.repeat(depth) + text + ']'.repeat(this.int(2) ? depth : 0);
  }
}

function clone(value: Json): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

function deep(depth: number, inner: Json): Json {
  let node = inner;
  for (let i = 0; i < depth; i++) node = i % 2 ? [node] : { a: node };
  return node;
}

function collectPaths(value: Json, path: string[] = [], out: string[][] = []): string[][] {
  out.push(path);
  if (out.length > 500 || path.length > 64) return out;
  if (Array.isArray(value)) value.forEach((child, i) => collectPaths(child, [...path, String(i)], out));
  else if (value && typeof value === 'object') for (const [k, child] of Object.entries(value)) collectPaths(child, [...path, k], out);
  return out;
}

function getAt(value: Json, path: string[]): Json | undefined {
  let node: Json | undefined = value;
  for (const key of path) node = node && typeof node === 'object' ? (node as Record<string, Json>)[key] : undefined;
  return node;
}
