import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIntents, type Intent } from './intents.js';

const cases: [string, Intent[]][] = [
  ['What chart is loaded?', [{ kind: 'describe' }]],
  ['what am i looking at', [{ kind: 'describe' }]],
  ['WHAT TIMEFRAME IS THIS?!', [{ kind: 'describe' }]],
  ['Draw support and resistance', [{ kind: 'levels', sides: 'both' }]],
  ['show me S/R levels please', [{ kind: 'levels', sides: 'both' }]],
  ['where is support?', [{ kind: 'levels', sides: 'support' }]],
  ['draw a trendline', [{ kind: 'trendline', count: 1 }]],
  ['Draw trend lines.', [{ kind: 'trendline', count: 2 }]],
  ['What is the trend?', [{ kind: 'trend' }]],
  ["what's the trend on this", [{ kind: 'trend' }]],
  ['is it bullish or bearish', [{ kind: 'trend' }]],
  ['Add a 20-period SMA', [{ kind: 'indicator', indicator: 'sma', period: 20 }]],
  ['add a 50 day ema', [{ kind: 'indicator', indicator: 'ema', period: 50 }]],
  ['plot the exponential moving average 9', [{ kind: 'indicator', indicator: 'ema', period: 9 }]],
  ['add bollinger bands with period of 30 and 2.5 std', [{ kind: 'indicator', indicator: 'bollinger', period: 30, stddev: 2.5 }]],
  ['add RSI', [{ kind: 'indicator', indicator: 'rsi' }]],
  ['rsi(7)', [{ kind: 'indicator', indicator: 'rsi', period: 7 }]],
  ['Switch to AAPL', [{ kind: 'symbol', symbol: 'AAPL' }]],
  ['load $msft', [{ kind: 'symbol', symbol: 'MSFT' }]],
  ['change the symbol to btcusd', [{ kind: 'symbol', symbol: 'BTCUSD' }]],
  ['show the 1h timeframe', [{ kind: 'timeframe', timeframe: '1h' }]],
  ['switch to the 4 hour chart', [{ kind: 'timeframe', timeframe: '4h' }]],
  ['go to 15-minute candles', [{ kind: 'timeframe', timeframe: '15m' }]],
  ['show the daily chart', [{ kind: 'timeframe', timeframe: '1D' }]],
  ['1M view please', [{ kind: 'timeframe', timeframe: '1M' }]],
  ['switch to AAPL on 1h', [{ kind: 'symbol', symbol: 'AAPL' }, { kind: 'timeframe', timeframe: '1h' }]],
  ['Mark the highest high', [{ kind: 'mark', extreme: 'high' }]],
  ['where is the lowest low?', [{ kind: 'mark', extreme: 'low' }]],
  ['clear the drawings', [{ kind: 'clear', scope: 'drawings' }]],
  ['Clear everything', [{ kind: 'clear', scope: 'all' }]],
  ['remove all drawings', [{ kind: 'clear', scope: 'drawings' }]],
  ['clear the indicators', [{ kind: 'clear', scope: 'indicators' }]],
  ['remove the trendline', [{ kind: 'remove', target: 'trendline' }]],
  ['delete the support lines', [{ kind: 'remove', target: 'support' }]],
  ['get rid of the RSI', [{ kind: 'remove', target: 'rsi' }]],
  ['zoom to the last 50 bars', [{ kind: 'zoom', bars: 50 }]],
  ['show the last 30 days', [{ kind: 'zoom', bars: 30 }]],
  ['zoom out', [{ kind: 'zoom', bars: 'all' }]],
  ['draw fib', [{ kind: 'fib' }]],
  ['Fibonacci retracement please', [{ kind: 'fib' }]],
  ['help', [{ kind: 'help' }]],
  ['hello', [{ kind: 'help' }]],
  ['add 50 and 200 day moving averages', [{ kind: 'indicator', indicator: 'sma', period: 50 }, { kind: 'indicator', indicator: 'sma', period: 200 }]],
  ['whats loaded', [{ kind: 'describe' }]],
  ['delete my lines', [{ kind: 'clear', scope: 'drawings' }]],
  ['remove all support lines', [{ kind: 'remove', target: 'support' }]],
  ['thanks!', [{ kind: 'thanks' }]],
  ['what is the meaning of life', []],
  ['bake me a cake', []],
  ['switch to ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ', []],
];

describe('analyst intents', () => {
  for (const [message, expected] of cases) {
    it(JSON.stringify(message), () => assert.deepEqual(parseIntents(message), expected));
  }
});
