// The model's tool schemas never accept what the contract refuses. Values are made from each
// tool's JSON Schema alone (boundaries of every bound, enum members and strangers, lengths at and
// past the limit, missing and extra properties, then random mixes of them); every value the JSON
// Schema accepts must pass the contract (the valibot schema the server parses the call with).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FunctionTool } from 'openai/resources/responses/responses';
import { parseChartCommand, CHART_COMMAND_TYPES } from '../../../sdk/contract/index.js';
import { seededRandom } from '../../analysis/synthetic.js';
import { ALL_TOOLS, runTool } from './tools.js';
import type { JsonSchema } from './json-schema.js';

/**
 * Rules between fields that JSON Schema cannot state. The contract refuses such values with these
 * messages, and each tool description tells the model the rule. Nothing else may be refused.
 */
const CROSS_FIELD_RULES = ['zone.from must not be after zone.to', 'a marker at position "price" needs a price', 'set_visible_range.from must be before .to'];

// ---------------------------------------------------------------------------------------------
// A validator for the JSON Schema subset the tools use, written from the JSON Schema rules (not
// from the generator). String lengths count code points, as JSON Schema does. (The contract counts
// UTF-16 units, so a label of astral characters such as emoji may pass the schema at up to twice
// the contract's length: a limit JSON Schema cannot state. The candidates below stay in the BMP.)

function jsonValid(schema: JsonSchema, value: unknown): boolean {
  const type = schema['type'] as string | undefined;
  if ('const' in schema && value !== schema['const']) return false;
  if (schema['enum'] && !(schema['enum'] as unknown[]).includes(value)) return false;
  switch (type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
      const record = value as Record<string, unknown>;
      if (((schema['required'] ?? []) as string[]).some((key) => !(key in record))) return false;
      for (const [key, item] of Object.entries(record)) {
        if (!(key in properties)) {
          if (schema['additionalProperties'] === false) return false;
          continue;
        }
        if (!jsonValid(properties[key]!, item)) return false;
      }
      return true;
    }
    case 'array': {
      if (!Array.isArray(value)) return false;
      if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) return false;
      if (typeof schema['maxItems'] === 'number' && value.length > schema['maxItems']) return false;
      return value.every((item) => jsonValid(schema['items'] as JsonSchema, item));
    }
    case 'string': {
      if (typeof value !== 'string') return false;
      const length = [...value].length;
      if (typeof schema['maxLength'] === 'number' && length > schema['maxLength']) return false;
      if (typeof schema['minLength'] === 'number' && length < schema['minLength']) return false;
      if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(value)) return false;
      return true;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      if (type === 'integer' && !Number.isInteger(value)) return false;
      if (typeof schema['minimum'] === 'number' && value < schema['minimum']) return false;
      if (typeof schema['maximum'] === 'number' && value > schema['maximum']) return false;
      if (typeof schema['exclusiveMinimum'] === 'number' && value <= schema['exclusiveMinimum']) return false;
      if (typeof schema['exclusiveMaximum'] === 'number' && value >= schema['exclusiveMaximum']) return false;
      return true;
    }
    case 'boolean':
      return typeof value === 'boolean';
    case undefined:
      return true;
    default:
      throw new Error(`validator: unknown type ${type}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Candidate values for one JSON Schema: the boundaries of what it states, and typical strangers.

const STRINGS = [
  '', 'a', 'ai-1', 'ai.level:1_x', 'a b', 'é', 'Straße', '支撑位', 'ai-😀', '<b>x</b>', 'a;b', 'url(x)', '\u202Eevil',
  '#fff', '#12345678', '#1234567890', 'rgb(1, 2, 3)', 'rgba(1,2,3,.5)', 'hsl(120 50% 50%)', 'red', 'rebeccapurple', 'no',
  '1m', '15m', '4h', '1D', '1W', '1M', '12345m', '1x', 'm', 'TSLA', 'BRK.B', '^GSPC', 'EUR/USD', 'BINANCE:BTCUSDT', 'tsla$',
];

function candidates(schema: JsonSchema, depth = 0): unknown[] {
  if (schema['enum']) return [...(schema['enum'] as unknown[]), 'not-a-member', 1];
  switch (schema['type']) {
    case 'integer':
    case 'number': {
      const bounds = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'].map((k) => schema[k]).filter((b): b is number => typeof b === 'number');
      const near = bounds.flatMap((b) => [b, b - 1, b + 1, b - 0.05, b + 0.05, b * (1 - 1e-9), b * (1 + 1e-9)]);
      return [...near, 0, -1, 0.5, 1, 2.5, 14, 20, 100, 1e6, 1.7e9, 1e12, 1e13, -0, '5', null];
    }
    case 'string': {
      const max = schema['maxLength'] as number | undefined;
      const long = max === undefined ? [] : ['a'.repeat(max), 'a'.repeat(max + 1), 'é'.repeat(max), 'é'.repeat(max + 1)];
      return [...STRINGS, ...long, 5, null];
    }
    case 'boolean':
      return [true, false, 'true'];
    case 'array': {
      const items = candidates(schema['items'] as JsonSchema, depth + 1).filter((c) => jsonValid(schema['items'] as JsonSchema, c));
      const one = items[0];
      const max = (schema['maxItems'] as number | undefined) ?? 3;
      return [[], [one], items.slice(0, 3), Array(max).fill(one), Array(max + 1).fill(one), [null], 'x'];
    }
    case 'object':
      return depth > 2 ? [{}] : objectCandidates(schema, depth);
    default:
      return [null];
  }
}

/** A valid base object (each property's first JSON-valid candidate), then one change at a time. */
function objectCandidates(schema: JsonSchema, depth: number): unknown[] {
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = (schema['required'] ?? []) as string[];
  const base: Record<string, unknown> = {};
  for (const key of required) base[key] = firstValid(properties[key]!, depth);
  const out: unknown[] = [base, { ...base, unexpected: 1 }, null, []];
  for (const [key, property] of Object.entries(properties)) {
    if (required.includes(key)) {
      const { [key]: _dropped, ...without } = base;
      out.push(without);
    }
    for (const value of candidates(property, depth + 1)) out.push({ ...base, [key]: value });
  }
  return out;
}

function firstValid(schema: JsonSchema, depth: number): unknown {
  const found = candidates(schema, depth + 1).find((c) => jsonValid(schema, c));
  if (found === undefined) throw new Error(`no valid candidate for ${JSON.stringify(schema)}`);
  return found;
}

/** Random mixes: every property drawn from its own candidates (kept only when JSON-valid). */
function randomMixes(schema: JsonSchema, count: number, seed: number): unknown[] {
  const random = seededRandom(seed);
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const pools = Object.fromEntries(Object.entries(properties).map(([key, p]) => [key, candidates(p, 1).filter((c) => jsonValid(p, c))]));
  const required = (schema['required'] ?? []) as string[];
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const value: Record<string, unknown> = {};
    for (const [key, pool] of Object.entries(pools)) {
      if (!required.includes(key) && random() < 0.5) continue;
      if (pool.length) value[key] = pool[Math.floor(random() * pool.length)];
    }
    out.push(value);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** The contract's verdict on a tool call's arguments: `null` when accepted, else why not. */
function contractRefusal(tool: string, args: unknown): string | null {
  if ((CHART_COMMAND_TYPES as readonly string[]).includes(tool)) {
    if (typeof args !== 'object' || args === null || Array.isArray(args)) return 'not an object';
    const parsed = parseChartCommand({ ...args, type: tool });
    return parsed.success ? null : parsed.message;
  }
  const outcome = runTool(tool, JSON.stringify(args), undefined);
  return outcome.kind === 'answer' && outcome.invalid ? outcome.output : null;
}

/** Every value the tool's JSON Schema accepts that the contract refuses (cross-field rules aside). */
export function drift(tool: FunctionTool): { value: unknown; refusal: string }[] & { checked?: number } {
  const schema = tool.parameters as JsonSchema;
  const values = [...objectCandidates(schema, 0), ...randomMixes(schema, 400, tool.name.length)];
  const found: { value: unknown; refusal: string }[] & { checked?: number } = [];
  found.checked = 0;
  for (const value of values) {
    if (!jsonValid(schema, value)) continue;
    found.checked++;
    const refusal = contractRefusal(tool.name, value);
    if (refusal !== null && !CROSS_FIELD_RULES.some((rule) => refusal.includes(rule))) found.push({ value, refusal });
  }
  return found;
}

describe('model tool schemas are derived from the contract', () => {
  for (const tool of ALL_TOOLS) {
    it(`${tool.name}: the JSON Schema accepts nothing the contract refuses`, () => {
      const found = drift(tool);
      assert.ok(found.checked! >= 50, `only ${found.checked} schema-valid values were tried`);
      assert.deepEqual(found.slice(0, 3), [], `${found.length} values pass ${tool.name}'s tool schema but not the contract`);
    });
  }

  it('the schemas really constrain: bounds, enums, lengths and required fields refuse their strangers', () => {
    const byName = new Map(ALL_TOOLS.map((t) => [t.name, t.parameters as JsonSchema]));
    const props = (name: string) => (byName.get(name)!['properties'] as Record<string, JsonSchema>);
    const indicator = props('indicator')['params']!['properties'] as Record<string, JsonSchema>;
    // stddev: 0.1 to 10 in the contract, and so in the schema (the hand-written one said > 0).
    assert.equal(jsonValid(indicator['stddev']!, 0.05), false);
    assert.equal(jsonValid(indicator['stddev']!, 0.1), true);
    assert.equal(jsonValid(props('compute_indicator')['stddev']!, 0.05), false);
    assert.equal(jsonValid(indicator['period']!, 2.5), false);
    assert.equal(jsonValid(props('price_line')['price']!, 0), false);
    assert.equal(jsonValid(props('price_line')['price']!, 1e13), false);
    assert.equal(jsonValid(props('price_line')['role']!, 'floor'), false);
    assert.equal(jsonValid(props('price_line')['label']!, 'a'.repeat(65)), false);
    assert.equal(jsonValid(props('price_line')['id']!, 'has space'), false);
    assert.equal(jsonValid(props('fib')['levels']!, []), false);
    assert.equal(jsonValid(byName.get('price_line')!, { price: 10, role: 'support' }), false, 'id is required');
    assert.equal(jsonValid(byName.get('price_line')!, { id: 'a', price: 10, role: 'support', type: 'zone' }), false, 'closed objects');
    // Provenance fields (added to the contract later) reached the tools by derivation.
    assert.ok(props('price_line')['why'] && props('price_line')['evidence']);
  });

  it('would catch a hand-written schema that drifted (the old stddev > 0)', () => {
    const drifted = structuredClone(ALL_TOOLS.find((t) => t.name === 'indicator')!);
    const params = (drifted.parameters as JsonSchema)['properties'] as Record<string, JsonSchema>;
    const stddev = (params['params']!['properties'] as Record<string, JsonSchema>)['stddev']!;
    delete stddev['minimum'];
    stddev['exclusiveMinimum'] = 0;
    const found = drift(drifted);
    assert.ok(found.length > 0, 'no counterexample found');
    assert.match(found[0]!.refusal, /stddev/);
  });
});
