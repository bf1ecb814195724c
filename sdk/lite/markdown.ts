/**
 * A tiny, safe Markdown subset for assistant text: paragraphs, `-`/`1.` lists, fenced code,
 * `code`, **bold**, *italic* and [links](https://…). Elements are made with `createElement` and
 * model text only ever becomes text nodes, so it can never become HTML; links must be http(s).
 * (Building the nodes directly rather than through a Lit template per element also keeps a
 * hostile answer with 20,000 `**` pairs to tens of milliseconds.)
 *
 * Hostile text costs linear time. Lines and markers are found in one left-to-right pass without
 * backtracking patterns, and every "where does this marker close?" search is remembered until the
 * pass moves past its answer: a run of 100,000 `[` scans the line once, not once per `[` (a
 * backtracking link pattern took seconds on it).
 */
import { Directive, directive, type Part } from 'lit/directive.js';

/** Lit's `noChange`, a registered symbol: importing it would cost the element's chunk an export. */
const noChange = Symbol.for('lit-noChange');

/** Lit's `guard` for one key: `value()` is rendered again only when `key` is not `===` the last one. */
const keyed = directive(
  class extends Directive {
    #key: unknown = noChange;
    render(_key: unknown, value: () => unknown) {
      return value();
    }
    override update(_part: Part, [key, value]: [unknown, () => unknown]) {
      if (key === this.#key) return noChange;
      this.#key = key;
      return value();
    }
  },
);

interface Block {
  node: HTMLElement;
  /** Index of the line after the block (the one that ended it). */
  next: number;
  /** The message's element budget left after this block. */
  left: number;
}

/**
 * Elements per message. Past it, the rest of the text shows as one plain paragraph: a hostile
 * answer can be 25,000 one-word list items, which Chromium takes seconds to lay out. A long
 * ordinary answer (50,000 characters) uses about 2,000.
 */
const MAX_ELEMENTS = 5000;

interface Lines {
  text: string[];
  /** Offset in the source where each line starts. */
  start: number[];
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/** An element with the given children (strings become text nodes). */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, ...children: Array<Node | string>) {
  const element = document.createElement(tag);
  element.append(...children);
  return element;
}

/** Splits `source` from `from` at "\n", "\r\n" and "\r". The last line has no line end (yet). */
function splitLines(source: string, from: number): Lines {
  const lines: Lines = { text: [], start: [] };
  const end = /\r\n?|\n/g;
  end.lastIndex = from;
  for (let m; (m = end.exec(source)); from = end.lastIndex) lines.text.push(source.slice(from, m.index)), lines.start.push(from);
  lines.text.push(source.slice(from));
  lines.start.push(from);
  return lines;
}

/** `-`, `*`, `+`, `1.` or `1)` and whitespace at the start of a line (after optional whitespace). */
function listMarker(line: string): { length: number; ordered: boolean } | undefined {
  let i = 0;
  while (isSpace(line[i])) i++;
  const digits = i;
  while (line[i]! >= '0' && line[i]! <= '9') i++;
  const ordered = i > digits;
  const c = line[i];
  if (ordered ? c !== '.' && c !== ')' : c !== '-' && c !== '*' && c !== '+') return undefined;
  const marker = ++i;
  while (isSpace(line[i])) i++;
  return i > marker ? { length: i, ordered } : undefined;
}

const isFence = (line: string) => line.startsWith('```');

/** The blocks of `lines`, each with the index of the line that ended it; `left` elements may be made. */
function parseBlocks({ text: lines }: Lines, left: number): Block[] {
  const blocks: Block[] = [];
  const styled = (text: string, into: HTMLElement) => {
    const spans = { left: Math.min(MAX_STYLED, left) };
    const before = spans.left;
    inline(text, into, spans);
    left -= before - spans.left;
    return into;
  };
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    const item = listMarker(line);
    if (!line.trim()) {
      i++;
      continue;
    }
    if (left <= 0) {
      blocks.push({ node: h('p', lines.slice(i).join('\n')), next: lines.length, left });
      break;
    }
    if (isFence(line)) {
      const code: string[] = [];
      while (++i < lines.length && !isFence(lines[i]!)) code.push(lines[i]!);
      left -= 2;
      blocks.push({ node: h('pre', h('code', code.join('\n'))), next: ++i, left });
    } else if (item) {
      const list = h(item.ordered ? 'ol' : 'ul');
      left--;
      for (let m; left > 0 && i < lines.length && (m = listMarker(lines[i]!)) && m.ordered === item.ordered; i++, left--)
        list.append(styled(lines[i]!.slice(m.length), h('li')));
      blocks.push({ node: list, next: i, left });
    } else {
      const text: string[] = [];
      while (i < lines.length && lines[i]!.trim() && !isFence(lines[i]!) && !listMarker(lines[i]!)) text.push(lines[i++]!);
      left--;
      blocks.push({ node: styled(text.join('\n'), h('p')), next: i, left });
    }
  }
  return blocks;
}

/**
 * Renders one message's Markdown, and keeps what cannot change as the text grows at its end
 * (a streaming answer). A block is kept once the line after the one that ended it is complete:
 * appending can no longer change it. Kept blocks move into one `.kept` box that neither Lit nor
 * the parser touches again, and which Chromium lays out again only when a block is added; each
 * `render` parses only the text after it. So a delta costs the same at 1,000 characters as at
 * 50,000. A text that changed other than at its end is parsed afresh.
 */
export class MarkdownStream {
  #kept = keptBox();
  /** The text the kept blocks came from. */
  #keptText = '';
  /** The element budget the kept blocks left. */
  #left = MAX_ELEMENTS;
  /** Characters parsed so far: what rendering this message has cost. */
  parsed = 0;

  /** The message as Lit values; Lit skips it all while `text` is the same. */
  render(text: string): unknown {
    return keyed(text, () => this.#render(text));
  }

  #render(text: string) {
    if (!text.startsWith(this.#keptText)) (this.#kept = keptBox()), (this.#keptText = ''), (this.#left = MAX_ELEMENTS);
    const from = this.#keptText.length;
    const lines = splitLines(text, from);
    const blocks = parseBlocks(lines, this.#left);
    this.parsed += text.length - from;
    let done = 0;
    // Done: every block whose ending line is not the last (still growing) line.
    for (const b of blocks) if (b.next < lines.text.length - 1) this.#kept.append(b.node), done++;
    if (done) (this.#keptText = text.slice(0, lines.start[blocks[done - 1]!.next])), (this.#left = blocks[done - 1]!.left);
    const open = blocks.slice(done).map((b) => b.node);
    return this.#kept.firstChild ? [this.#kept, open] : open;
  }
}

function keptBox() {
  const box = h('div');
  box.className = 'kept';
  return box;
}

// What ends each marker's search (bold, like `.`, stops at any line terminator).
const CODE_END = /[`\n]/g;
const LINE_END = /[\n\r\u2028\u2029]/;
const BOLD_END = new RegExp(`\\*\\*|${LINE_END.source}`, 'g');
const ITALIC_END = /[*\n]/g;
const LABEL_END = /[\]\n]/g;
const URL_END = /[\s)]/g;

/**
 * The next index ≥ `from` where `pattern` (global) matches in `text`, or the text's length. The
 * answer is remembered while `from` has not passed it; `from` only grows within one pass, so the
 * searches of a pass cover the text once.
 */
function finder(text: string, pattern: RegExp) {
  let found = -1;
  return (from: number) => {
    if (found < from) {
      pattern.lastIndex = from;
      found = pattern.exec(text)?.index ?? text.length;
    }
    return found;
  };
}

/**
 * Styled spans per paragraph or list item. Past it, the rest shows as plain text: a hostile
 * answer can ask for 20,000 `**` pairs in one line, which Chromium takes seconds to lay out.
 */
const MAX_STYLED = 200;

/** Appends `text` with its inline styles to `into`, and returns `into`. */
function inline(text: string, into: HTMLElement, budget = { left: MAX_STYLED }): HTMLElement {
  const codeEnd = finder(text, CODE_END);
  const boldEnd = finder(text, BOLD_END);
  const italicEnd = finder(text, ITALIC_END);
  const labelEnd = finder(text, LABEL_END);
  const urlEnd = finder(text, URL_END);
  let last = 0;
  const emit = (at: number, end: number, node: Node) => {
    budget.left--;
    if (at > last) into.append(text.slice(last, at));
    into.append(node);
    last = end;
    return end - 1;
  };
  for (let i = 0; i < text.length && budget.left > 0; i++) {
    const c = text[i];
    if (c === '`') {
      // `code`: one or more characters, no backtick or line end inside.
      const end = codeEnd(i + 1);
      if (text[end] === '`' && end > i + 1) i = emit(i, end + 1, h('code', text.slice(i + 1, end)));
    } else if (c === '*' && text[i + 1] === '*') {
      // **bold**: up to the first "**" after at least one character, on the same line.
      const end = boldEnd(i + 3);
      if (text[end] === '*' && !LINE_END.test(text[i + 2]!)) i = emit(i, end + 2, inline(text.slice(i + 2, end), h('strong'), budget));
    } else if (c === '*' && !isSpace(text[i + 1])) {
      // *italic*: no asterisk or line end inside, no space just inside the markers.
      const end = italicEnd(i + 1);
      if (text[end] === '*' && !isSpace(text[end - 1])) i = emit(i, end + 1, h('em', text.slice(i + 1, end)));
    } else if (c === '[') {
      // [label](http(s)://url): the label ends at the first "]"; the URL at a space or ")".
      const close = labelEnd(i + 1);
      const url = close + 2;
      const scheme = text.startsWith('http://', url) ? 7 : text.startsWith('https://', url) ? 8 : 0;
      if (text[close] === ']' && close > i + 1 && text[close + 1] === '(' && scheme) {
        const end = urlEnd(url + scheme);
        if (text[end] === ')' && end > url + scheme) {
          const link = h('a', text.slice(i + 1, close));
          link.target = '_blank';
          link.rel = 'noopener noreferrer';
          link.setAttribute('href', text.slice(url, end));
          i = emit(i, end + 1, link);
        }
      }
    }
  }
  into.append(text.slice(last));
  return into;
}
