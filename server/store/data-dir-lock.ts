/**
 * An exclusive lock on a PGlite data directory (PGlite takes none, and two processes on one
 * folder corrupt it). The lock is a file created with O_EXCL holding the owner's pid; a second
 * process refuses with a clear message while that pid lives, and takes the lock over when the
 * process that left it is gone (killed with -9, crashed). Node only: `npm start` uses it.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `DATA_DIR ${dir} is in use by another chart-chat process (pid ${pid}). Stop that process, or give this one ` +
        `its own DATA_DIR, or set DATABASE_URL to share one PostgreSQL server between processes.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'chart-chat.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        // Only our own lock: a process that took it over (we were presumed dead) keeps its own.
        if (ownerOf(path) === process.pid) rmSync(path, { force: true });
      };
      process.once('exit', release);
      return { path, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = ownerOf(path);
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dir, pid);
    // A stale lock (its process is gone) or an unreadable one: remove it and try again.
    rmSync(path, { force: true });
  }
  throw new Error(`could not lock DATA_DIR ${dir} (${path} keeps coming back)`);
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
