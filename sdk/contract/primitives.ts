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

/** A chart time: UTC seconds (lightweight-charts' `UTCTimestamp`). */
export const Time = v.pipe(
  v.number('time must be a finite number of UTC seconds'),
  v.finite('time must be finite'),
  v.integer('time must be whole UTC seconds'),
  v.minValue(0, 'time must not be negative'),
  v.maxValue(MAX_TIME, 'time is too far in the future'),
);

/** A price: finite and strictly positive. */
export const Price = v.pipe(
  v.number('price must be a finite number'),
  v.finite('price must be finite'),
  v.gtValue(0, 'price must be greater than 0'),
  v.maxValue(MAX_PRICE, 'price is too large'),
);

/** Ids name drawings so that later commands can replace or remove them. */
export const Id = v.pipe(
  v.string('id must be a string'),
  v.minLength(1, 'id must not be empty'),
  v.maxLength(MAX_ID, `id must be at most ${MAX_ID} characters`),
  v.regex(/^[\w.:-]+$/, 'id may only hold letters, digits, "_", "-", ".", ":"'),
);

/** A short human label. Shown as text, never as HTML. */
export const Label = v.pipe(
  v.string('label must be a string'),
  v.maxLength(MAX_LABEL, `label must be at most ${MAX_LABEL} characters`),
);

/** A CSS colour: hex, rgb()/rgba()/hsl()/hsla() or a named colour. Nothing that could carry url() or ;. */
export const Color = v.pipe(
  v.string('color must be a string'),
  v.maxLength(40, 'color is too long'),
  v.regex(
    /^(#[0-9a-fA-F]{3,8}|(rgb|rgba|hsl|hsla)\([\d\s.,%/-]+\)|[a-zA-Z]{3,24})$/,
    'color must be a hex, rgb(a), hsl(a) or named CSS colour',
  ),
);

export const LineStyleName = v.picklist(['solid', 'dotted', 'dashed'], 'style must be solid, dotted or dashed');

/** Ticker symbols: "TSLA", "BTCUSD", "BINANCE:BTCUSDT", "BRK.B", "^GSPC", "EUR/USD". */
export const TickerSymbol = v.pipe(
  v.string('symbol must be a string'),
  v.trim(),
  v.minLength(1, 'symbol must not be empty'),
  v.maxLength(32, 'symbol must be at most 32 characters'),
  v.regex(/^[\w.:/^=!@-]+$/, 'symbol holds characters a ticker never has'),
);

/** Timeframes as charting apps write them: "1m", "15m", "1h", "4h", "1D", "1W", "1M". */
export const Timeframe = v.pipe(
  v.string('timeframe must be a string'),
  v.trim(),
  v.regex(/^\d{0,4}(s|m|h|H|d|D|w|W|M)$/, 'timeframe must look like 1m, 15m, 1h, 4h, 1D, 1W or 1M'),
);

/** An anchor on the chart: a time and a price. */
export const Point = v.object({ time: Time, price: Price });
