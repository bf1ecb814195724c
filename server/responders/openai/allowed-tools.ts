/**
 * The page's `allow` policy applied to the model's tool list: a tool the page would refuse is
 * never offered. Drawing tools need `draw`, navigation tools `navigate`, analysis tools `read`.
 */
import type { FunctionTool } from 'openai/resources/responses/responses';
import { capabilityOf, CHART_COMMAND_TYPES, type Capability } from '../../../sdk/contract/index.js';
import { ALL_TOOLS } from './tools.js';

export function toolCapability(name: string): Capability {
  return (CHART_COMMAND_TYPES as readonly string[]).includes(name) ? capabilityOf(name) : 'read';
}

/** Every tool when the page said nothing (the default), else only what it allows. */
export function allowedTools(allow: readonly Capability[] | undefined): FunctionTool[] {
  return allow ? ALL_TOOLS.filter((tool) => allow.includes(toolCapability(tool.name))) : ALL_TOOLS;
}
