/**
 * What an AI turn did to the chart, under its last assistant message in the lite UI: the open
 * proposal (`apply="confirm"`) with Apply/Dismiss for the whole turn and per item, and Undo/Redo
 * for a turn that changed the chart. Lives in the lite chunk.
 */
import { html, nothing } from 'lit';
import type { ChartCommand } from '../contract/index.js';
import type { CommandLoop, Turn } from '../loop/command-loop.js';

const num = (x: number) => String(Number(x.toPrecision(6)));

/** One line per command, as a trader would read it. */
export function describeCommand(c: ChartCommand): string {
  switch (c.type) {
    case 'price_line':
      return `${c.role === 'level' ? 'Level' : c.role === 'support' ? 'Support' : 'Resistance'} ${num(c.price)}${c.label ? ` “${c.label}”` : ''}`;
    case 'trendline':
      return `Trendline ${num(c.p1.price)} → ${num(c.p2.price)}${c.label ? ` “${c.label}”` : ''}`;
    case 'zone':
      return `Zone ${num(c.bottom)}–${num(c.top)}${c.label ? ` “${c.label}”` : ''}`;
    case 'fib':
      return `Fibonacci ${num(c.from.price)} → ${num(c.to.price)}`;
    case 'marker':
      return `Marker${c.text ? ` “${c.text}”` : ''}`;
    case 'indicator':
      return `${c.indicator.toUpperCase()}${c.params.period ? ` ${c.params.period}` : ''}`;
    case 'set_symbol':
      return `Switch to ${c.symbol}`;
    case 'set_timeframe':
      return `Switch to ${c.timeframe}`;
    case 'set_visible_range':
      return 'Scroll the chart';
    case 'remove':
      return `Remove ${c.id}`;
    case 'clear':
      return 'Clear the AI drawings';
  }
}

const idOf = (c: ChartCommand) => ('id' in c ? c.id : undefined);

export function turnCard(loop: CommandLoop, turn: Turn) {
  const proposal = turn.proposal?.status === 'open' ? turn.proposal : undefined;
  const changed = turn.changes.length > 0;
  if (!proposal && !changed) return nothing;
  return html`${proposal
    ? html`<div part="proposal" class="proposal" role="group" aria-label="Proposed chart changes">
        <p class="proposal-title">Proposed on the chart</p>
        <ul>
          ${proposal.commands.map((c) => {
            const id = idOf(c);
            return html`<li part="proposal-item">
              <span title=${('why' in c && c.why) || nothing}>${describeCommand(c)}</span>
              ${id
                ? html`<button part="proposal-item-apply" type="button" aria-label="Apply ${describeCommand(c)}" @click=${() => loop.resolve(proposal.id, true, [id])}>✓</button>
                    <button part="proposal-item-dismiss" type="button" aria-label="Dismiss ${describeCommand(c)}" @click=${() => loop.resolve(proposal.id, false, [id])}>✕</button>`
                : nothing}
            </li>`;
          })}
        </ul>
        <div class="actions">
          <button part="apply-button" class="primary" type="button" @click=${() => loop.resolve(proposal.id, true)}>Apply</button>
          <button part="dismiss-button" type="button" @click=${() => loop.resolve(proposal.id, false)}>Dismiss</button>
        </div>
      </div>`
    : nothing}
  ${changed
    ? html`<div class="turn-actions">
        ${turn.undone
          ? html`<button part="redo-button" type="button" @click=${() => loop.redo(turn.id)}>Redo</button>`
          : html`<button part="undo-button" type="button" @click=${() => loop.undo(turn.id)}>Undo</button>`}
      </div>`
    : nothing}`;
}
