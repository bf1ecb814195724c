/** The bar shape the analysis needs (a subset of the contract's `Bar`); `time` is UTC seconds. */
export interface OhlcBar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume?: number;
}

/** A point on the chart, with the bar index it came from. */
export interface BarPoint {
  index: number;
  time: number;
  price: number;
}

/** How close two prices must be to count as "the same level". */
export type Tolerance = { atr: number } | { percent: number };
