/** `StreamLeases` in the shared database: each operation is one statement on `stream_leases`. */
import type { RenewResult, StreamLeases } from '../leases.js';
import type { SqlQuery } from './sql-client.js';

export class SqlLeases implements StreamLeases {
  constructor(private readonly db: SqlQuery) {}

  async claim(threadId: string, holder: string, ttlMs: number): Promise<boolean> {
    const { rows } = await this.db.query(
      `INSERT INTO stream_leases AS l (thread_id, holder, expires_at)
       VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (thread_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, cancel_requested = false
       WHERE l.expires_at < clock_timestamp()
       RETURNING 1`,
      [threadId, holder, ttlMs],
    );
    return rows.length === 1;
  }

  async renew(threadId: string, holder: string, ttlMs: number): Promise<RenewResult> {
    const { rows } = await this.db.query<{ cancel_requested: boolean }>(
      `UPDATE stream_leases SET expires_at = clock_timestamp() + $3 * interval '1 millisecond'
       WHERE thread_id = $1 AND holder = $2 RETURNING cancel_requested`,
      [threadId, holder, ttlMs],
    );
    const row = rows[0];
    return !row ? 'lost' : row.cancel_requested ? 'cancel_requested' : 'held';
  }

  async release(threadId: string, holder: string): Promise<void> {
    await this.db.query(`DELETE FROM stream_leases WHERE thread_id = $1 AND holder = $2`, [threadId, holder]);
  }

  async requestCancel(threadId: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `UPDATE stream_leases SET cancel_requested = true WHERE thread_id = $1 AND expires_at >= clock_timestamp() RETURNING 1`,
      [threadId],
    );
    return rows.length === 1;
  }

  async isHeld(threadId: string): Promise<boolean> {
    const { rows } = await this.db.query(`SELECT 1 FROM stream_leases WHERE thread_id = $1 AND expires_at >= clock_timestamp()`, [threadId]);
    return rows.length === 1;
  }
}
