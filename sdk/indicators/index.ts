/**
 * Pure indicator math over number arrays, shared by the server's analysis tools and the
 * browser's chart adapter. No DOM, no dependencies. Every function returns arrays aligned
 * with its input; warm-up entries are `NaN`.
 */
export { sma } from './sma.js';
export { ema } from './ema.js';
export { bollinger, type BollingerBands } from './bollinger.js';
export { rsi } from './rsi.js';
