/**
 * The model's tool schemas, derived from the contract's valibot schemas (never written by hand):
 * a small generator for the schema kinds the contract and the analysis tools use. What JSON Schema
 * cannot say is handled explicitly: a `check` carries its JSON meaning (`JsonSchemaHint`, e.g.
 * `numberIn`), transforms only normalise, and a check on a whole object (`zone.from <= zone.to`)
 * is a cross-field rule that stays the contract's to enforce (the tool description mentions it).
 * Anything else throws, so a new schema kind cannot slip through as "accept anything".
 *
 * The output is a plain (non-strict) Responses API function schema: optional properties are
 * left out of `required`, objects are closed with `additionalProperties: false`.
 */
import type * as v from 'valibot';

export type JsonSchema = { [key: string]: unknown };

type Node = {
  kind: string;
  type: string;
  entries?: Record<string, Node>;
  wrapped?: Node;
  item?: Node;
  options?: readonly unknown[];
  literal?: unknown;
  pipe?: readonly Node[];
  requirement?: unknown;
  description?: string;
  json?: JsonSchema;
};

/** JSON Schema for a valibot schema. Throws on a schema kind or check it cannot express. */
export function toJsonSchema(schema: v.GenericSchema | v.GenericSchemaAsync): JsonSchema {
  const node = schema as unknown as Node;
  const out = base(node);
  for (const action of node.pipe?.slice(1) ?? []) applyAction(out, action, node);
  return out;
}

function base(node: Node): JsonSchema {
  switch (node.type) {
    case 'object': {
      const entries = Object.entries(node.entries ?? {});
      const required = entries.filter(([, entry]) => entry.type !== 'optional').map(([key]) => key);
      return {
        type: 'object',
        properties: Object.fromEntries(entries.map(([key, entry]) => [key, toJsonSchema(entry as unknown as v.GenericSchema)])),
        required,
        additionalProperties: false,
      };
    }
    case 'optional':
      return toJsonSchema(node.wrapped as unknown as v.GenericSchema);
    case 'string':
      return { type: 'string' };
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'picklist':
      return { type: typeof node.options?.[0] === 'number' ? 'number' : 'string', enum: [...(node.options ?? [])] };
    case 'literal':
      return { const: node.literal };
    case 'array':
      return { type: 'array', items: toJsonSchema(node.item as unknown as v.GenericSchema) };
    case 'custom':
      if (node.json) return { ...node.json };
      break;
  }
  throw new Error(`no JSON Schema for a valibot "${node.type}" schema without a json hint`);
}

function applyAction(out: JsonSchema, action: Node, owner: Node): void {
  const isArray = out['type'] === 'array';
  switch (action.type) {
    case 'max_length':
      out[isArray ? 'maxItems' : 'maxLength'] = action.requirement;
      return;
    case 'min_length':
      out[isArray ? 'minItems' : 'minLength'] = action.requirement;
      return;
    case 'regex':
      out['pattern'] = (action.requirement as RegExp).source;
      return;
    case 'min_value':
      out['minimum'] = action.requirement;
      return;
    case 'max_value':
      out['maximum'] = action.requirement;
      return;
    case 'gt_value':
      out['exclusiveMinimum'] = action.requirement;
      return;
    case 'lt_value':
      out['exclusiveMaximum'] = action.requirement;
      return;
    case 'integer':
      out['type'] = 'integer';
      return;
    case 'description':
      out['description'] = action.description;
      return;
    case 'transform':
      return; // normalisation (trimming, cleaning, capping): the input shape is unchanged
    case 'check':
      if (action.json) {
        Object.assign(out, action.json);
        return;
      }
      if (owner.type === 'object') return; // a cross-field rule: the contract enforces it
      break;
  }
  throw new Error(`no JSON Schema for the valibot "${action.type}" action on a "${owner.type}" schema`);
}
