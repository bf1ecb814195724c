/**
 * Structured logging: one JSON object per line, `{time, level, msg, ...fields}`, redacted before
 * it is written. The sink is injectable so tests (and integrators) can capture lines.
 */
import { createRedactor } from './redact.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, unknown>;
/** Receives each finished line (no trailing newline). */
export type LogSink = (line: string) => void;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  readonly level: LogLevel;
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  /** Default `info`. */
  readonly level?: LogLevel;
  /** Default: `console.log` (stdout on Node). */
  readonly sink?: LogSink;
  /** Literal secrets to strip from every line (the OpenAI key, the server secret...). */
  readonly secrets?: readonly (string | undefined)[];
  /** Clock (tests). */
  readonly now?: () => Date;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const sink = options.sink ?? ((line: string) => console.log(line));
  const redact = createRedactor(options.secrets);
  const literals = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 4);
  const now = options.now ?? (() => new Date());
  const enabled = (at: Exclude<LogLevel, 'silent'>) => RANK[at] >= RANK[level];

  const write = (at: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (!enabled(at)) return;
    // time, level and msg lead every line (and cannot be overridden by a field).
    const record = redact({ time: '', level: at, msg: '', ...fields }) as LogFields;
    record['time'] = now().toISOString();
    record['level'] = at;
    record['msg'] = msg;
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ time: record['time'], level: at, msg, note: 'fields not serializable' });
    }
    // Last line of defence: a secret hidden inside a field name or escaped oddly still goes.
    for (const literal of literals) line = line.split(literal).join('[REDACTED]');
    try {
      sink(line);
    } catch {
      // A broken sink must never break a request.
    }
  };

  return {
    level,
    enabled,
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

/** A logger that writes nothing (the default for `createApp` in tests and embeddings). */
export const silentLogger: Logger = createLogger({ level: 'silent' });
