/**
 * Both sides of a measured server process (chart-chat in bench/load-server.ts, the bare proxy in
 * bench/floor-server.ts), so each server's CPU and memory are its own. The child calls
 * {@link serveMeter} once listening; the parent starts it with {@link startServerProcess} and
 * asks for `mark` (start a measurement: GC, reset peaks, note CPU) and `report` (CPU ms since
 * the mark, peak and idle memory).
 */
import { fork, type ChildProcess } from 'node:child_process';

export interface MeterReport {
  cpuMs: number;
  idle: { rss: number; heapUsed: number };
  peak: { rss: number; heapUsed: number };
}

/** Child side: answers the parent's `mark`/`report`/`stop` over IPC. */
export function serveMeter(url: string, close: () => Promise<void>): void {
  if (!process.send) throw new Error('run by a benchmark (needs an IPC channel)');
  let idle = process.memoryUsage();
  let cpuAtMark = process.cpuUsage();
  let peak = { rss: 0, heapUsed: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak = { rss: Math.max(peak.rss, m.rss), heapUsed: Math.max(peak.heapUsed, m.heapUsed) };
  };
  setInterval(sample, 25).unref();
  process.on('message', (message: unknown) => {
    if (message === 'mark') {
      globalThis.gc?.();
      idle = process.memoryUsage();
      peak = { rss: idle.rss, heapUsed: idle.heapUsed };
      cpuAtMark = process.cpuUsage();
      process.send!({ marked: true });
    } else if (message === 'report') {
      sample();
      const cpu = process.cpuUsage(cpuAtMark);
      const report: MeterReport = { idle: { rss: idle.rss, heapUsed: idle.heapUsed }, peak, cpuMs: (cpu.user + cpu.system) / 1000 };
      process.send!({ report });
    } else if (message === 'stop') {
      void close().then(() => process.exit(0));
    }
  });
  process.send({ url });
}

export interface ServerProcess {
  readonly url: string;
  mark(): Promise<void>;
  report(): Promise<MeterReport>;
  stop(): Promise<void>;
}

/** Parent side: forks `file` (a TypeScript module run with tsx and --expose-gc) and waits for its URL. */
export async function startServerProcess(file: URL, env: Record<string, string>, execArgv: string[] = []): Promise<ServerProcess> {
  const child: ChildProcess = fork(file, [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...execArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(message: string, key: string): Promise<T> =>
    new Promise((resolve) => {
      const onMessage = (reply: Record<string, unknown>) => {
        if (key in reply) {
          child.off('message', onMessage);
          resolve(reply[key] as T);
        }
      };
      child.on('message', onMessage);
      child.send(message);
    });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`${file.pathname} exited (${code})`)));
  });
  return {
    url,
    mark: () => ask<boolean>('mark', 'marked').then(() => undefined),
    report: () => ask<MeterReport>('report', 'report'),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}
