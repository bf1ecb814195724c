/**
 * Ghosts: how a proposed drawing looks before the user applies it. Dashed, translucent and
 * labelled "proposed", so it can never be mistaken for a drawing on the chart.
 */
import type { ChartCommand } from '../../contract/index.js';
import type { DrawingCommand } from './drawings.js';

const GHOST = 'rgba(120, 128, 150, 0.6)';
const marked = (label: string | undefined) => (label ? `proposed · ${label}` : 'proposed');

/** The ghost of a proposed command; navigation, removals and indicators have none (the card lists them). */
export function ghostOf(c: ChartCommand): DrawingCommand | undefined {
  switch (c.type) {
    case 'price_line':
    case 'trendline':
      return { ...c, color: GHOST, style: 'dashed', label: marked(c.label) };
    case 'zone':
      return { ...c, color: GHOST, label: marked(c.label) };
    case 'fib':
      return { ...c, label: marked(c.label) };
    case 'marker':
      // Its own key in the series' marker list: applying the real one must not replace the ghost's entry.
      return { ...c, id: `proposed:${c.id}`, color: GHOST, text: marked(c.text) };
    default:
      return undefined;
  }
}
