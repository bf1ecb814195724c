/**
 * Reads the reference server's byte captures (chatkit/fixtures/wire*.txt) into exchanges:
 * each request body with the exact answer the reference gave (a JSON body or SSE events),
 * and compares our answers with them ignoring only ids and timestamps.
 */
import { readFileSync } from 'node:fs';
import { parseSse } from './sse.js';

export interface Exchange {
  request: Record<string, unknown>;
  expected: { kind: 'json'; body: unknown } | { kind: 'stream'; raw: string; events: unknown[] };
}

export function readCapture(file: URL): Exchange[] {
  const text = readFileSync(file, 'utf8');
  const exchanges: Exchange[] = [];
  for (const block of text.split(/^>>> REQUEST /m).slice(1)) {
    const newline = block.indexOf('\n');
    const request = JSON.parse(block.slice(0, newline)) as Record<string, unknown>;
    const rest = block.slice(newline + 1);
    if (rest.startsWith('<<< JSON ')) {
      const line = rest.slice('<<< JSON '.length).split('\n')[0]!;
      exchanges.push({ request, expected: { kind: 'json', body: JSON.parse(line) } });
    } else if (rest.startsWith('<<< STREAM\n')) {
      // The frames run until the first line that is not part of one (a log line or the next block).
      const frames = /^(?:data: [^\n]*\n\n)*/.exec(rest.slice('<<< STREAM\n'.length))![0];
      exchanges.push({ request, expected: { kind: 'stream', raw: frames, events: parseSse(frames) } });
    } else {
      throw new Error(`unexpected capture block after ${JSON.stringify(request).slice(0, 80)}`);
    }
  }
  return exchanges;
}

const ID_KEYS = new Set(['id', 'thread_id', 'item_id', 'after', 'attachment_id']);
const TIME_KEYS = new Set(['created_at']);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Maps the capture's ids to ours. A captured id first seen in an answer binds to the id we
 * produced at the same place; afterwards both must stay consistent in both directions.
 */
export class IdMap {
  readonly #ours = new Map<string, string>();
  readonly #theirs = new Map<string, string>();

  bind(theirs: string, ours: string, where: string): void {
    const known = this.#ours.get(theirs);
    if (known !== undefined && known !== ours) throw new Error(`${where}: capture id ${theirs} was ${known}, now ${ours}`);
    const back = this.#theirs.get(ours);
    if (back !== undefined && back !== theirs) throw new Error(`${where}: our id ${ours} stands for ${back} and ${theirs}`);
    this.#ours.set(theirs, ours);
    this.#theirs.set(ours, theirs);
  }

  /** The request with every captured id replaced by ours (ids we never saw stay as they are). */
  substitute(value: unknown, key = ''): unknown {
    if (typeof value === 'string') return ID_KEYS.has(key) ? (this.#ours.get(value) ?? value) : value;
    if (Array.isArray(value)) return value.map((entry) => this.substitute(entry, key === 'attachments' ? 'id' : key === 'item_ids' ? 'id' : ''));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.substitute(v, k)]));
    }
    return value;
  }
}

/**
 * Throws unless `actual` equals `expected` with ids (bound through `ids`) and timestamps
 * (any ISO-8601 string) ignored. Key order does not matter; every other key and value must match.
 */
export function assertWireEqual(actual: unknown, expected: unknown, ids: IdMap, path = '$'): void {
  const key = path.slice(path.lastIndexOf('.') + 1);
  if (typeof expected === 'string' && ID_KEYS.has(key)) {
    if (typeof actual !== 'string' || actual === '') throw new Error(`${path}: expected an id, got ${JSON.stringify(actual)}`);
    ids.bind(expected, actual, path);
    return;
  }
  if (typeof expected === 'string' && TIME_KEYS.has(key)) {
    if (typeof actual !== 'string' || !ISO.test(actual)) throw new Error(`${path}: expected a timestamp, got ${JSON.stringify(actual)}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      throw new Error(`${path}: expected ${expected.length} entries, got ${JSON.stringify(actual)?.slice(0, 300)}`);
    }
    expected.forEach((entry, i) => assertWireEqual(actual[i], entry, ids, `${path}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) throw new Error(`${path}: expected an object, got ${JSON.stringify(actual)}`);
    const want = Object.keys(expected).sort();
    const got = Object.keys(actual).sort();
    if (want.join() !== got.join()) throw new Error(`${path}: keys ${JSON.stringify(got)} ≠ expected ${JSON.stringify(want)}`);
    for (const k of want) assertWireEqual((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], ids, `${path}.${k}`);
    return;
  }
  if (actual !== expected) throw new Error(`${path}: ${JSON.stringify(actual)} ≠ expected ${JSON.stringify(expected)}`);
}
