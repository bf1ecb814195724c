/**
 * Text commands: a compatibility path for models (or prompts) that write chart commands as
 * plain lines instead of calling function tools. Such lines are turned into `ChartCommand`s
 * and removed from the text the user sees.
 *
 * ## Grammar
 *
 * A command is a whole line (text before it on the same line makes it plain text):
 *
 *     line    := indent? bullet? bold? KEYWORD bold? ws* ":" ws* bold? args (ws+ label)? bold? ws*
 *     indent  := spaces or tabs              bullet := ("-" | "*" | "+" | "•" | "1." | "1)") followed by a space
 *     bold    := "**" | "__"                 (markdown emphasis around the keyword is ignored)
 *     KEYWORD := SUPPORT | RESISTANCE | LEVEL | ZONE | TRENDLINE | FIB | MARKER   (any case)
 *     label   := '"' text '"'  or  '“' text '”'   (cut to 64 characters)
 *     price   := ("$" | "USD")? number ("USD")?   number: 450 · 450.25 · 1,234.5 · 1,234,567 (commas only
 *                                                 in groups of three; no sign, no exponent, > 0)
 *     time    := UTC seconds (1700000000) | YYYY-MM-DD | YYYY-MM-DDTHH:MM[:SS][Z]   (read as UTC)
 *
 *     SUPPORT: <price> [label]             → price_line {role: "support"}
 *     RESISTANCE: <price> [label]          → price_line {role: "resistance"}
 *     LEVEL: <price> [label]               → price_line {role: "level"}
 *     ZONE: <price> - <price> [label]      → zone (either order; "-", "–", "—" or "to" between)
 *     TRENDLINE: <time>,<price>,<time>,<price> [label]   → trendline {p1, p2}
 *     FIB: <time>,<price>,<time>,<price> [label]         → fib {from, to}
 *     MARKER: <time>[,<above|below|in>[,<arrowUp|arrowDown|circle|square>]] [label]
 *                                          → marker (default above + arrowDown; below → arrowUp; in → circle;
 *                                            the label becomes the marker text)
 *
 * In TRENDLINE/FIB the four fields are separated by commas, so their prices must not use
 * thousands commas — or separate the fields with ";" instead (`TRENDLINE: 2024-01-02; 1,200; …`).
 *
 * Examples: `SUPPORT:450.00 "key level"`, `resistance : $1,234.5 USD`, `- **Support:** 98.2`,
 * `ZONE: 100 to 105 "demand"`, `TRENDLINE:1704153600,101.5,1706745600,110 "uptrend"`,
 * `MARKER: 2024-03-01, below, arrowUp "breakout"`.
 *
 * Ids are `txt-<kind>-<n>` (kind = support | resistance | level | zone | trendline | fib | marker),
 * counted per extractor (one assistant message), so asking again replaces rather than duplicates.
 *
 * Invalid lines — a known keyword whose arguments do not parse, or whose command fails the
 * `ChartCommand` schema (price 0, a zone with from > to, …) — are LEFT IN THE TEXT unchanged and
 * produce no command: we never silently drop what the model wrote, and never draw a guess.
 *
 * Streaming: {@link TextCommandExtractor} holds back only a partial line that could still become a
 * command (its start is a prefix of the header above); every other character is passed through
 * at once. A complete command line is dropped together with its newline.
 */
import { parseChartCommand, type ChartCommand } from '../../sdk/contract/index.js';

const KEYWORDS = ['SUPPORT', 'RESISTANCE', 'LEVEL', 'ZONE', 'TRENDLINE', 'FIB', 'MARKER'] as const;
type Keyword = (typeof KEYWORDS)[number];

const HEADER =
  /^[ \t]*(?:(?:[-*+•]|\d{1,3}[.)])[ \t]+)?(?:\*\*|__)?[ \t]*([A-Za-z]+)[ \t]*(?:\*\*|__)?[ \t]*:[ \t]*(?:\*\*|__)?[ \t]*(.*?)[ \t]*(?:\*\*|__)?[ \t]*\r?$/s;
const LABEL = /[ \t]*(?:"([^"]*)"|“([^”]*)”)$/;
const NUMBER = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?Z?)?$/i;

/** What one chunk of model text becomes: text to show and commands to apply. */
export interface Extracted {
  text: string;
  commands: ChartCommand[];
}

/** Parses a price such as `450`, `$1,234.50`, `470.5 USD`; null if it is not one. */
export function parsePrice(raw: string): number | null {
  const s = raw
    .trim()
    .replace(/^(?:\$|USD\b)[ \t]*/i, '')
    .replace(/[ \t]*USD$/i, '');
  if (!NUMBER.test(s)) return null;
  const value = Number(s.replaceAll(',', ''));
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** Parses UTC seconds or an ISO date(-time) read as UTC; null if it is neither. */
export function parseTime(raw: string): number | null {
  const s = raw.trim();
  if (/^\d{1,11}$/.test(s)) return Number(s);
  const m = ISO_TIME.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', sec = '0'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  const date = new Date(ms);
  // Date.UTC rolls 2024-02-31 over to March; a date that does not round-trip is not a date.
  if (!Number.isFinite(ms) || date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(mo) - 1) return null;
  return Math.floor(ms / 1000);
}

/**
 * Parses one complete line; returns the (validated) command, or null when the line is not a
 * valid command. `nextId(kind)` names the command.
 */
export function parseCommandLine(line: string, nextId: (kind: string) => string): ChartCommand | null {
  const header = HEADER.exec(line);
  if (!header) return null;
  const keyword = header[1]!.toUpperCase() as Keyword;
  if (!KEYWORDS.includes(keyword)) return null;
  let body = header[2]!;
  let label: string | undefined;
  const quoted = LABEL.exec(body);
  if (quoted) {
    label = (quoted[1] ?? quoted[2] ?? '').trim().slice(0, 64) || undefined;
    body = body.slice(0, quoted.index).trim();
  }
  const input = toCommandInput(keyword, body, label, nextId);
  if (!input) return null;
  const parsed = parseChartCommand(input);
  return parsed.success ? parsed.output : null;
}

function toCommandInput(
  keyword: Keyword,
  body: string,
  label: string | undefined,
  nextId: (kind: string) => string,
): Record<string, unknown> | null {
  const withLabel = (o: Record<string, unknown>) => (label === undefined ? o : { ...o, label });
  switch (keyword) {
    case 'SUPPORT':
    case 'RESISTANCE':
    case 'LEVEL': {
      const price = parsePrice(body);
      const role = keyword.toLowerCase();
      return price === null ? null : withLabel({ type: 'price_line', id: nextId(role), price, role });
    }
    case 'ZONE': {
      const parts = body.split(/[ \t]*(?:-|–|—|\bto\b)[ \t]*/i);
      if (parts.length !== 2) return null;
      const [a, b] = parts.map(parsePrice);
      if (a == null || b == null) return null;
      return withLabel({ type: 'zone', id: nextId('zone'), top: Math.max(a, b), bottom: Math.min(a, b) });
    }
    case 'TRENDLINE':
    case 'FIB': {
      const fields = body.split(body.includes(';') ? /[ \t]*;[ \t]*/ : /[ \t]*,[ \t]*/);
      if (fields.length !== 4) return null;
      const t1 = parseTime(fields[0]!);
      const p1 = parsePrice(fields[1]!);
      const t2 = parseTime(fields[2]!);
      const p2 = parsePrice(fields[3]!);
      if (t1 === null || p1 === null || t2 === null || p2 === null) return null;
      const a = { time: t1, price: p1 };
      const b = { time: t2, price: p2 };
      return keyword === 'TRENDLINE'
        ? withLabel({ type: 'trendline', id: nextId('trendline'), p1: a, p2: b })
        : withLabel({ type: 'fib', id: nextId('fib'), from: a, to: b });
    }
    case 'MARKER': {
      const [timeField, positionField = 'above', shapeField, ...extra] = body.split(/[ \t]*,[ \t]*/);
      if (extra.length > 0 || timeField === undefined) return null;
      const time = parseTime(timeField);
      const position = positionField.toLowerCase();
      if (time === null || !['above', 'below', 'in'].includes(position)) return null;
      const shapes: Record<string, string> = { arrowup: 'arrowUp', arrowdown: 'arrowDown', circle: 'circle', square: 'square' };
      const defaultShape = position === 'above' ? 'arrowDown' : position === 'below' ? 'arrowUp' : 'circle';
      const shape = shapeField === undefined ? defaultShape : shapes[shapeField.toLowerCase()];
      if (!shape) return null;
      const marker = { type: 'marker', id: nextId('marker'), time, position, shape };
      return label === undefined ? marker : { ...marker, text: label };
    }
  }
}

/**
 * Whether a partial line could still grow into a command header: 'match' once the keyword
 * and its colon are there, 'prefix' while it could, 'no' when it cannot.
 */
export function headerState(partial: string): 'match' | 'prefix' | 'no' {
  const s = partial;
  let i = 0;
  const skipSpace = () => {
    while (s[i] === ' ' || s[i] === '\t') i++;
  };
  const skipBold = (): 'ok' | 'partial' => {
    if (s.startsWith('**', i) || s.startsWith('__', i)) i += 2;
    else if ((s[i] === '*' || s[i] === '_') && i + 1 === s.length) return 'partial';
    return 'ok';
  };
  skipSpace();
  if (i === s.length) return 'prefix';
  const numbered = /^\d{1,3}(?:[.)]|$)/.exec(s.slice(i));
  if (numbered) {
    // "1." / "2)" list markers: a prefix until the space after them arrives.
    const end = i + numbered[0].length;
    if (end === s.length) return 'prefix';
    if (s[end] !== ' ' && s[end] !== '\t') return 'no';
    i = end;
    skipSpace();
  } else if ('-*+•'.includes(s[i]!) && !s.startsWith('**', i)) {
    if (i + 1 === s.length) return 'prefix';
    if (s[i + 1] === ' ' || s[i + 1] === '\t') {
      i++;
      skipSpace();
    } else if (s[i] !== '*') return 'no';
  }
  if (skipBold() === 'partial') return 'prefix';
  skipSpace();
  const rest = s.slice(i);
  const word = /^[A-Za-z]*/.exec(rest)![0].toUpperCase();
  if (word.length === rest.length) return KEYWORDS.some((k) => k.startsWith(word)) ? 'prefix' : 'no';
  if (!KEYWORDS.includes(word as Keyword)) return 'no';
  i += word.length;
  skipSpace();
  if (skipBold() === 'partial') return 'prefix';
  skipSpace();
  if (i === s.length) return 'prefix';
  return s[i] === ':' ? 'match' : 'no';
}

/**
 * Streams model text through the text-command parser. Feed every delta to {@link push} and
 * call {@link end} once at the end of the message; show the returned `text`, apply the
 * returned `commands`. Text that cannot belong to a command line is returned immediately.
 */
export class TextCommandExtractor {
  #pending = '';
  /** The current line is known to be plain text: pass it through until its newline. */
  #passthrough = false;
  readonly #counts = new Map<string, number>();
  readonly #nextId = (kind: string) => {
    const n = (this.#counts.get(kind) ?? 0) + 1;
    this.#counts.set(kind, n);
    return `txt-${kind}-${n}`;
  };

  push(delta: string): Extracted {
    let text = '';
    const commands: ChartCommand[] = [];
    let rest = delta;
    while (rest.length > 0) {
      const newline = rest.indexOf('\n');
      if (this.#passthrough) {
        if (newline < 0) return { text: text + rest, commands };
        text += rest.slice(0, newline + 1);
        rest = rest.slice(newline + 1);
        this.#passthrough = false;
        continue;
      }
      if (newline < 0) {
        this.#pending += rest;
        rest = '';
        if (headerState(this.#pending) === 'no') {
          text += this.#pending;
          this.#pending = '';
          this.#passthrough = true;
        }
        break;
      }
      const line = this.#pending + rest.slice(0, newline);
      this.#pending = '';
      rest = rest.slice(newline + 1);
      const command = parseCommandLine(line, this.#nextId);
      if (command) commands.push(command);
      else text += line + '\n';
    }
    return { text, commands };
  }

  /** Ends the message: a held-back last line is parsed (a command) or released (text). */
  end(): Extracted {
    const line = this.#pending;
    this.#pending = '';
    this.#passthrough = false;
    if (line === '') return { text: '', commands: [] };
    const command = parseCommandLine(line, this.#nextId);
    return command ? { text: '', commands: [command] } : { text: line, commands: [] };
  }
}

/** Extracts the commands of a complete text at once (the streaming extractor, fed one chunk). */
export function extractTextCommands(text: string): Extracted {
  const extractor = new TextCommandExtractor();
  const a = extractor.push(text);
  const b = extractor.end();
  return { text: a.text + b.text, commands: [...a.commands, ...b.commands] };
}
