/**
 * Shared field schemas for the chart contract. Every number that reaches a chart is
 * finite and bounded; every string is length-capped, because context and commands come
 * from the host page and from a model, and neither is trusted.
 */
import * as v from 'valibot';

/** Latest UTC second we accept (year 2200): beyond that a "time" is garbage, not a bar. */
export const MAX_TIME = 7_258_118_400;
/** Largest price we accept; a chart never needs more and it keeps math in safe ranges. */
export const MAX_PRICE = 1e12;
export const MAX_LABEL = 64;
export const MAX_ID = 64;

/**
 * What a `v.check` means in JSON Schema, for checks that have a meaning there. The model's tool
 * schemas are derived from the contract (server/responders/openai/json-schema.ts) and read it.
 */
export interface JsonSchemaHint {
  json: Record<string, unknown>;
}

/** A `v.check` that carries its JSON Schema meaning. */
export const checkWithHint = <T>(check: (input: T) => boolean, message: string, json: Record<string, unknown>) =>
  Object.assign(v.check(check, message), { json });

/**
 * A number in [min, max] (optionally whole), as one `v.check`. The element ships these schemas,
 * and one shared check costs far fewer bytes than valibot's finite/integer/min/max/gtValue actions.
 */
export const numberIn = (min: number, max: number, message: string, whole = false) =>
  checkWithHint(
    (n: number) => Number.isFinite(n) && n >= min && n <= max && (!whole || Number.isInteger(n)),
    message,
    { type: whole ? 'integer' : 'number', minimum: min, maximum: max },
  );

/** A chart time: UTC seconds (lightweight-charts' `UTCTimestamp`). */
export const Time = v.pipe(
  v.number('time must be a finite number of UTC seconds'),
  numberIn(0, MAX_TIME, 'whole UTC seconds, 1970 to 2200', true),
);

/** A price: finite and strictly positive. */
export const Price = v.pipe(
  v.number('price must be a finite number'),
  numberIn(Number.MIN_VALUE, MAX_PRICE, 'price must be greater than 0, finite and at most 1e12'),
);

/** Ids name drawings so that later commands can replace or remove them. */
export const Id = v.pipe(
  v.string(),
  v.maxLength(MAX_ID),
  v.regex(/^[\w.:-]+$/, '1-64 of A-Z a-z 0-9 _ - . :'),
);

/**
 * Bidirectional overrides/isolates and control characters: a label such as
 * `Sell \u202Eyub\u202C now` would otherwise be drawn as "Sell buy now".
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text as it may be drawn: unsafe characters removed (see {@link UNSAFE_TEXT}). */
export const cleanText = (text: string) => text.replace(UNSAFE_TEXT, '');

/** A short human label. Shown as text, never as HTML; cleaned of bidi overrides and control characters. */
export const Label = v.pipe(v.string(), v.maxLength(MAX_LABEL), v.transform(cleanText));

/** A CSS colour: hex, rgb()/rgba()/hsl()/hsla() or a named colour. Nothing that could carry url() or ;. */
export const Color = v.pipe(
  v.string(),
  v.maxLength(40),
  v.regex(
    /^(#[0-9a-fA-F]{3,8}|(rgb|rgba|hsl|hsla)\([\d\s.,%/-]+\)|[a-zA-Z]{3,24})$/,
    'not a hex, rgb(), hsl() or named colour',
  ),
);

export const LineStyleName = v.picklist(['solid', 'dotted', 'dashed']);

/** Ticker symbols: "TSLA", "BTCUSD", "BINANCE:BTCUSDT", "BRK.B", "^GSPC", "EUR/USD". */
export const TickerSymbol = v.pipe(
  v.string(),
  v.maxLength(32),
  v.regex(/^[\w.:/^=!@-]+$/, 'not a ticker symbol'),
);

/** Timeframes as charting apps write them: "1m", "15m", "1h", "4h", "1D", "1W", "1M". */
export const Timeframe = v.pipe(
  v.string(),
  v.regex(/^\d{0,4}(s|m|h|H|d|D|w|W|M)$/, 'timeframe must look like 1m, 15m, 1h, 4h, 1D, 1W or 1M'),
);

/** An anchor on the chart: a time and a price. */
export const Point = v.object({ time: Time, price: Price });

/** Why the AI drew something: a short rationale, cleaned like a label. */
export const Rationale = v.pipe(v.string(), v.maxLength(240), v.transform(cleanText));

/** Provenance of an AI drawing: its rationale and the bars that support it (e.g. a level's touches). */
export const PROVENANCE = {
  why: v.optional(Rationale),
  evidence: v.optional(v.pipe(v.array(v.object({ time: Time, price: v.optional(Price) })), v.maxLength(12))),
};
