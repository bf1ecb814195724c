/**
 * What the user asked for, read from plain text without a model: a handful of patterns per
 * request kind, tolerant of case, punctuation and common synonyms. One message may hold
 * several requests ("switch to AAPL on 1h" → symbol + timeframe).
 */

export type IndicatorName = 'sma' | 'ema' | 'bollinger' | 'rsi';
export type RemoveTarget = 'trendline' | 'support' | 'resistance' | 'levels' | 'fib' | 'markers' | IndicatorName;

export type Intent =
  | { kind: 'describe' }
  | { kind: 'levels'; sides: 'both' | 'support' | 'resistance' }
  | { kind: 'trendline'; count: 1 | 2 }
  | { kind: 'trend' }
  | { kind: 'indicator'; indicator: IndicatorName; period?: number; stddev?: number }
  | { kind: 'symbol'; symbol: string }
  | { kind: 'timeframe'; timeframe: string }
  | { kind: 'mark'; extreme: 'high' | 'low' }
  | { kind: 'clear'; scope: 'drawings' | 'indicators' | 'all' }
  | { kind: 'remove'; target: RemoveTarget }
  | { kind: 'zoom'; bars: number | 'all' }
  /** "the last 3 months": a span of calendar time, turned into bars with the chart's own bar times. */
  | { kind: 'zoom_time'; count: number; unit: TimeUnit }
  | { kind: 'fib' }
  | { kind: 'help' }
  | { kind: 'thanks' };

export type TimeUnit = 'hour' | 'day' | 'week' | 'month' | 'year';

/** Checked in order: "exponential moving average" must win over "moving average". */
const INDICATOR_WORDS: [RegExp, IndicatorName][] = [
  [/\b(?:ema|exponential moving averages?|exp moving averages?)\b/, 'ema'],
  [/\b(?:bollinger(?: bands?)?|bbands?|bb)\b/, 'bollinger'],
  [/\b(?:rsi|relative strength(?: index)?)\b/, 'rsi'],
  [/\b(?:sma|simple moving averages?|moving averages?|ma)\b/, 'sma'],
];
const INDICATOR_AFTER = String.raw`(?:sma|ema|rsi|bollinger|bb|bbands?|ma|moving|simple|exponential|relative|period|bars?|length)\b`;
const REMOVE_VERB = /\b(?:remove|delete|erase|hide|drop|get rid of|take (?:off|away|down))\b/;
const CLEAR_VERB = /\b(?:clear|wipe|reset|clean(?: up)?)\b/;
/** Words after "switch to"/"load" that are not tickers. */
const NOT_TICKERS = new Set([
  'THE', 'A', 'AN', 'TO', 'ON', 'ME', 'IT', 'THIS', 'THAT', 'CHART', 'SYMBOL', 'TICKER', 'TIMEFRAME', 'INTERVAL', 'DAILY', 'WEEKLY',
  'HOURLY', 'MONTHLY', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'SMA', 'EMA', 'RSI', 'BB', 'BOLLINGER', 'FIB', 'SUPPORT',
  'RESISTANCE', 'TRENDLINE', 'TREND', 'LEVELS', 'LAST', 'ZOOM', 'USD', 'AND', 'PLEASE', 'VIEW', 'TIME', 'FRAME', 'CANDLES', 'BARS',
  'S/R', 'S', 'R', 'I', 'AI', 'OK', 'LINE', 'LINES', 'ALL', 'EVERYTHING', 'INDICATOR', 'INDICATORS', 'DRAWINGS', 'HIGH', 'LOW', 'HIGHEST', 'LOWEST',
]);

/** Reads every request in `message`; an empty list means "not understood". */
export function parseIntents(message: string): Intent[] {
  const original = message.trim();
  const text = ` ${original.toLowerCase().replace(/[’`]/g, "'").replace(/[?!,;]+/g, ' ').replace(/\s+/g, ' ')} `;
  const intents: Intent[] = [];
  const removing = REMOVE_VERB.test(text);
  const clearing = CLEAR_VERB.test(text);

  // Clearing and removing first: "clear the drawings" must not also draw anything.
  const target = removing ? removeTarget(text) : null;
  if (target) return [{ kind: 'remove', target }];
  if (clearing || (removing && /\b(?:all|everything|drawings?|lines|annotations)\b/.test(text))) {
    const scope = /\b(?:everything|all of it|all)\b/.test(text) && !/\bdrawings\b/.test(text)
      ? 'all'
      : /\bindicators?\b/.test(text) && !/\bdrawings?\b/.test(text)
        ? 'indicators'
        : 'drawings';
    return [{ kind: 'clear', scope }];
  }
  if (removing) return [];
  if (/^\s*(?:thanks?|thank you|thx|ty|cheers|great|perfect|nice|cool|ok(?:ay)?)\b[\s.]*(?:you|a lot|so much)?[\s.]*$/.test(text)) return [{ kind: 'thanks' }];

  if (/\b(?:help|what can you do|what do you do|commands|capabilities)\b/.test(text)) intents.push({ kind: 'help' });

  if (
    /\bwhat(?:'?s| is)? (?:chart|symbol|ticker|instrument|timeframe)\b|\bwhat am i (?:looking at|viewing|seeing)\b|\bwhat(?:'?s| is) (?:loaded|on (?:the |my )?(?:screen|chart))\b|\bwhich (?:chart|symbol|ticker|timeframe)\b|\bdescribe (?:the |this |my )?chart\b|\bwhat chart\b|\bchart (?:is )?loaded\b/.test(
      text,
    )
  ) {
    intents.push({ kind: 'describe' });
  }

  intents.push(...parseIndicators(text));

  if (/\btrend ?lines?\b/.test(text)) intents.push({ kind: 'trendline', count: /\btrend ?lines\b|\bboth\b/.test(text) ? 2 : 1 });
  else if (/\btrend\b|\btrending\b|\bdirection\b|\bbullish or bearish\b|\bbearish or bullish\b|\bup ?trend or (?:a )?down ?trend\b/.test(text))
    intents.push({ kind: 'trend' });

  const hasSupport = /\bsupports?\b/.test(text);
  const hasResistance = /\bresistances?\b/.test(text);
  if (hasSupport || hasResistance || /\bs ?[/&] ?r\b|\bkey levels\b|\bprice levels\b|\blevels\b/.test(text)) {
    intents.push({ kind: 'levels', sides: hasSupport === hasResistance ? 'both' : hasSupport ? 'support' : 'resistance' });
  }

  if (/\bfib(?:onacci|s)?\b|\bretracements?\b/.test(text)) intents.push({ kind: 'fib' });

  const extreme = /\b(?:highest high|all[- ]time high|highest (?:price|point|bar|candle)|the (?:high|top|peak)\b)/.test(text)
    ? 'high'
    : /\b(?:lowest low|all[- ]time low|lowest (?:price|point|bar|candle)|the (?:low|bottom)\b)/.test(text)
      ? 'low'
      : null;
  if (extreme) intents.push({ kind: 'mark', extreme });

  const zoom = parseZoom(text);
  if (zoom) intents.push(zoom);

  const timeframe = parseTimeframe(original, text);
  const symbol = parseSymbol(original, text);
  if (symbol) intents.push({ kind: 'symbol', symbol });
  if (timeframe) intents.push({ kind: 'timeframe', timeframe });

  if (intents.length === 0 && /^\s*(?:hi|hello|hey|yo|good (?:morning|afternoon|evening))\b/.test(text)) intents.push({ kind: 'help' });
  return intents;
}

function removeTarget(text: string): RemoveTarget | null {
  if (/\btrend ?lines?\b/.test(text)) return 'trendline';
  if (/\bfib(?:onacci|s)?\b|\bretracements?\b/.test(text)) return 'fib';
  if (/\bmarkers?\b|\bmarks?\b|\barrows?\b/.test(text)) return 'markers';
  const hasSupport = /\bsupports?\b/.test(text);
  const hasResistance = /\bresistances?\b/.test(text);
  if (hasSupport && !hasResistance) return 'support';
  if (hasResistance && !hasSupport) return 'resistance';
  if (hasSupport || /\blevels?\b|\bs ?[/&] ?r\b/.test(text)) return 'levels';
  for (const [pattern, name] of INDICATOR_WORDS) if (pattern.test(text)) return name;
  return null;
}

/** The first indicator named, once per period given ("add 50 and 200 day moving averages" → two). */
function parseIndicators(text: string): Intent[] {
  for (const [pattern, indicator] of INDICATOR_WORDS) {
    const match = pattern.exec(text);
    if (!match) continue;
    // "20-period SMA", "50 and 200 day sma", "sma 20", "sma(20)", "period of 20", "length 50"
    const before = text.slice(0, match.index);
    const after = text.slice(match.index + match[0].length);
    const list = /((?:\d{1,3}\s*(?:,|and|&|\/)?\s*)*\d{1,3})\s*-?\s*(?:periods?|days?|bars?|candles?|length|p)?\s*-?\s*$/.exec(before)?.[1];
    const periods = list
      ? [...list.matchAll(/\d{1,3}/g)].map((m) => m[0])
      : [
          /^\s*\(?\s*(\d{1,3})\b(?!\s*(?:m|h|d|w|min|hours?|days?)\b\s*(?:chart|timeframe))/.exec(after)?.[1] ??
            /\b(?:period|length|lookback|window)\s*(?:of|=|:)?\s*(\d{1,3})\b/.exec(text)?.[1],
        ];
    const stddev = /(\d(?:\.\d+)?)\s*(?:std|stdev|stddev|standard deviations?|sigma|sd)\b/.exec(text)?.[1];
    return periods.slice(0, 4).map((period): Intent => {
      const intent: Intent = { kind: 'indicator', indicator };
      if (period !== undefined) intent.period = Number(period);
      if (stddev !== undefined && indicator === 'bollinger') intent.stddev = Number(stddev);
      return intent;
    });
  }
  return [];
}

function parseZoom(text: string): Intent | null {
  const span = /\b(?:zoom|show|focus|view|display|go)\b.*?\b(?:last|past)\s+(\d{1,4}|an?|one)?\s*(hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?)\b/.exec(text);
  if (span) {
    const count = /^\d/.test(span[1] ?? '') ? Number(span[1]) : 1;
    const unit = span[2]!.replace(/s$/, '');
    const units: Record<string, TimeUnit> = { hour: 'hour', hr: 'hour', day: 'day', week: 'week', wk: 'week', month: 'month', mo: 'month', year: 'year', yr: 'year' };
    if (count > 0) return { kind: 'zoom_time', count, unit: units[unit]! };
  }
  const last = /\b(?:zoom|show|focus|view|display|go)\b.*?\blast\s+(\d{1,5})\s*(?:bars?|candles?|sessions?|periods?|points?)?\b/.exec(text);
  if (last) return { kind: 'zoom', bars: Number(last[1]) };
  if (/\bzoom (?:all the way )?out\b|\bshow (?:all|everything|the whole chart|all bars)\b|\bfit (?:the )?(?:chart|content|all)\b/.test(text))
    return { kind: 'zoom', bars: 'all' };
  return null;
}

const UNIT_WORDS: [RegExp, string][] = [
  [/^(?:s|sec|secs|seconds?)$/, 's'],
  [/^(?:m|min|mins|minutes?)$/, 'm'],
  [/^(?:h|hr|hrs|hours?)$/, 'h'],
  [/^(?:d|days?)$/, 'D'],
  [/^(?:w|wk|wks|weeks?)$/, 'W'],
  [/^(?:mo|mon|months?)$/, 'M'],
];

/** "1h", "4 hour", "15-minute", "1D", "daily", "weekly" — but not "20-day SMA". */
function parseTimeframe(original: string, text: string): string | null {
  const re = new RegExp(String.raw`\b(\d{1,4})\s*-?\s*(mo|mon|months?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)\b(?!\s*-?\s*${INDICATOR_AFTER})`, 'g');
  for (const match of text.matchAll(re)) {
    const before = text.slice(Math.max(0, match.index - 12), match.index);
    if (/\b(?:last|past)\s*$/.test(before)) continue; // "last 50 days", "past 2 weeks" are zooms, not timeframes
    let unit = UNIT_WORDS.find(([pattern]) => pattern.test(match[2]!))?.[1];
    // "1M" as typed means a month, "1m" a minute.
    if (unit === 'm' && match[2] === 'm' && new RegExp(String.raw`\b${match[1]}\s*-?\s*M\b`).test(original)) unit = 'M';
    if (unit) return `${Number(match[1])}${unit}`;
  }
  const named = /\b(daily|weekly|monthly|hourly)\b(?!\s*-?\s*(?:sma|ema|rsi|moving|close|high|low))/.exec(text)?.[1];
  if (named && /\b(?:chart|timeframe|time frame|interval|candles|bars|view|switch|change|show|go|use|to|on)\b/.test(text)) {
    return { daily: '1D', weekly: '1W', monthly: '1M', hourly: '1h' }[named]!;
  }
  return null;
}

/** "switch to AAPL", "load $msft", "change the symbol to btcusd", or a bare upper-case ticker after "to/on". */
function parseSymbol(original: string, text: string): string | null {
  const verb =
    /\b(?:switch|change|go|move|jump|flip)\s+(?:the\s+)?(?:symbol\s+|ticker\s+|chart\s+)?(?:over\s+)?to\s+(?:the\s+)?(?:symbol\s+|ticker\s+)?\$?([a-z0-9][\w.:/^=!-]{0,31})(?![\w.:/^=!-])/i.exec(original) ??
    /\b(?:load|open|pull up|bring up|show me|chart)\s+(?:the\s+)?(?:symbol\s+|ticker\s+)?\$?([a-z0-9][\w.:/^=!-]{0,31})(?![\w.:/^=!-])/i.exec(original) ??
    /\b(?:symbol|ticker)\s+(?:to\s+)?\$?([a-z0-9][\w.:/^=!-]{0,31})(?![\w.:/^=!-])/i.exec(original) ??
    /\$([a-z][\w.:/^=!-]{0,31})(?![\w.:/^=!-])/i.exec(original);
  if (!verb) return null;
  const candidate = verb[1]!.replace(/[.:/-]+$/, '').toUpperCase();
  if (NOT_TICKERS.has(candidate)) return null;
  if (/^\d/.test(candidate) && /^\d{1,4}\s*-?\s*[a-z]*$/i.test(candidate)) return null; // a timeframe such as "1h"
  if (!/[A-Z]/.test(candidate)) return null;
  // Bare lower-case words after "show me" are usually requests ("show me support"), not tickers.
  const typed = verb[1]!;
  if (typed === typed.toLowerCase() && !/\b(?:switch|change|go|move|jump|flip|symbol|ticker|load)\b/i.test(verb[0]) && !verb[0].includes('$'))
    return null;
  void text;
  return candidate;
}
