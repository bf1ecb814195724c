/** The demo's log of `chart-command` events: one short text line per command, newest first. */
import type { ChartCommand } from '../sdk/contract/index.js';

const MAX_ENTRIES = 60;

/** Prices as a chart shows them: two decimals, more for sub-unit prices. */
const price = (p: number) => String(Number(p.toFixed(p >= 1 ? 2 : 6)));

export function describeCommand(c: ChartCommand): string {
  switch (c.type) {
    case 'price_line':
      return `${c.id}: ${c.role} at ${price(c.price)}${c.label ? ` "${c.label}"` : ''}`;
    case 'trendline':
      return `${c.id}: ${price(c.p1.price)} -> ${price(c.p2.price)}`;
    case 'zone':
      return `${c.id}: ${price(c.bottom)} .. ${price(c.top)}`;
    case 'fib':
      return `${c.id}: ${price(c.from.price)} -> ${price(c.to.price)}`;
    case 'marker':
      return `${c.id}: ${c.shape} ${c.position}${c.text ? ` "${c.text}"` : ''}`;
    case 'indicator':
      return `${c.id}: ${c.indicator}${c.params.period ? `(${c.params.period})` : ''}`;
    case 'set_symbol':
      return c.symbol;
    case 'set_timeframe':
      return c.timeframe;
    case 'set_visible_range':
      return `${new Date(c.from * 1000).toISOString().slice(0, 10)} .. ${new Date(c.to * 1000).toISOString().slice(0, 10)}`;
    case 'remove':
      return c.id;
    case 'clear':
      return `${c.scope ?? 'all'}, source ${c.source ?? 'ai'}`;
  }
}

/** Appends a line to the log list (text only: model output never becomes markup). */
export function logLine(list: HTMLElement, kind: 'ok' | 'rejected' | 'error', type: string, text: string): void {
  const item = document.createElement('li');
  item.dataset.kind = kind;
  const name = document.createElement('code');
  name.textContent = type;
  item.append(name, ` ${text}`);
  list.prepend(item);
  while (list.children.length > MAX_ENTRIES) list.lastElementChild?.remove();
}
