/** Lite renderer styles. Themed through `--chart-chat-*` custom properties and `::part()`. */
import { css } from 'lit';

export const liteStyles = css`
  .lite {
    --_bg: var(--chart-chat-bg, #ffffff);
    --_fg: var(--chart-chat-fg, #1b1f24);
    --_muted: var(--chart-chat-muted, #57606a);
    --_border: var(--chart-chat-border, #d0d7de);
    --_accent: var(--chart-chat-accent, #0a5cc2);
    --_accent-fg: var(--chart-chat-accent-fg, #ffffff);
    --_user: var(--chart-chat-user-bg, #eef3fb);
    --_assistant: var(--chart-chat-assistant-bg, transparent);
    --_error: var(--chart-chat-error, #b42318);
    --_radius: var(--chart-chat-radius, 8px);
    display: flex;
    flex-direction: column;
    box-sizing: border-box;
    height: 100%;
    background: var(--_bg);
    color: var(--_fg);
    font-family: var(--chart-chat-font, inherit);
    font-size: 14px;
    line-height: 1.45;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  :host([theme='dark']) .lite {
    --_bg: var(--chart-chat-bg, #15181c);
    --_fg: var(--chart-chat-fg, #e6e8eb);
    --_muted: var(--chart-chat-muted, #a3abb4);
    --_border: var(--chart-chat-border, #343a42);
    --_accent: var(--chart-chat-accent, #5aa2ff);
    --_accent-fg: var(--chart-chat-accent-fg, #0b0d10);
    --_user: var(--chart-chat-user-bg, #22303f);
    --_error: var(--chart-chat-error, #ff8a80);
    color-scheme: dark;
  }
  .header { display: flex; justify-content: flex-end; padding: 6px 8px; border-bottom: 1px solid var(--_border); }
  .log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 10px; }
  .greeting { margin: auto 0 0; font-size: 1.15em; }
  .prompts { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
  .msg { max-width: 92%; overflow-wrap: anywhere; border-radius: var(--_radius); }
  .user { align-self: flex-end; background: var(--_user); padding: 6px 10px; white-space: pre-wrap; }
  .assistant { align-self: flex-start; background: var(--_assistant); }
  .assistant p { margin: 0 0 0.6em; white-space: pre-wrap; }
  .assistant .kept { margin-bottom: 0.6em; } /* the blocks of a streaming answer that can no longer change */
  .assistant :last-child { margin-bottom: 0; }
  .assistant ul, .assistant ol { margin: 0 0 0.6em; padding-left: 1.4em; }
  .assistant a { color: var(--_accent); }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.92em; }
  pre { margin: 0 0 0.6em; padding: 8px; overflow-x: auto; border: 1px solid var(--_border); border-radius: 6px; }
  .progress, .notice { color: var(--_muted); margin: 0; }
  .error { color: var(--_error); display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  form { display: flex; gap: 8px; padding: 8px; border-top: 1px solid var(--_border); align-items: flex-end; }
  textarea {
    flex: 1; resize: none; font: inherit; color: inherit; background: transparent; padding: 6px 8px;
    border: 1px solid var(--_border); border-radius: 6px; min-height: 2.4em; max-height: 8em;
  }
  button {
    font: inherit; cursor: pointer; border-radius: 6px; padding: 5px 12px;
    border: 1px solid var(--_border); background: transparent; color: inherit;
  }
  .primary { background: var(--_accent); border-color: var(--_accent); color: var(--_accent-fg); }
  .proposal { align-self: stretch; border: 1px dashed var(--_accent); border-radius: var(--_radius); padding: 8px 10px; }
  .proposal-title { margin: 0 0 4px; font-weight: 600; }
  .proposal ul { list-style: none; margin: 0 0 8px; padding: 0; }
  .proposal li { display: flex; gap: 6px; align-items: center; }
  .proposal li span { flex: 1; }
  .proposal li button { padding: 0 6px; }
  .actions, .turn-actions { display: flex; gap: 6px; }
  :focus-visible { outline: 2px solid var(--_accent); outline-offset: 1px; }
`;
