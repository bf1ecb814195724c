/**
 * The per-thread streaming lease: at most one stream per thread across every instance that
 * shares a store. A holder renews it while it streams and releases it at the end; a lease that
 * is not renewed (its process died) expires and can be taken over. The owner's new message asks
 * the holder to stop (`requestCancel`); the holder sees it at its next renewal.
 */

export type RenewResult = 'held' | 'cancel_requested' | 'lost';

export interface StreamLeases {
  /** Takes the lease when it is free or expired. */
  claim(threadId: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease this holder has; says whether someone asked it to stop, or that it was lost. */
  renew(threadId: string, holder: string, ttlMs: number): Promise<RenewResult>;
  release(threadId: string, holder: string): Promise<void>;
  /** Flags a live lease for cancellation; false when nobody holds one. */
  requestCancel(threadId: string): Promise<boolean>;
  /** True while a live (unexpired) lease exists. */
  isHeld(threadId: string): Promise<boolean>;
}

interface Lease {
  holder: string;
  expiresAt: number;
  cancelRequested: boolean;
}

/** One process's leases (STORE=memory): the same semantics, without sharing. */
export class MemoryLeases implements StreamLeases {
  readonly #leases = new Map<string, Lease>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(threadId: string, holder: string, ttlMs: number): Promise<boolean> {
    const lease = this.#live(threadId);
    if (lease) return false;
    this.#leases.set(threadId, { holder, expiresAt: this.now() + ttlMs, cancelRequested: false });
    return true;
  }

  async renew(threadId: string, holder: string, ttlMs: number): Promise<RenewResult> {
    const lease = this.#leases.get(threadId);
    if (!lease || lease.holder !== holder) return 'lost';
    lease.expiresAt = this.now() + ttlMs;
    return lease.cancelRequested ? 'cancel_requested' : 'held';
  }

  async release(threadId: string, holder: string): Promise<void> {
    if (this.#leases.get(threadId)?.holder === holder) this.#leases.delete(threadId);
  }

  async requestCancel(threadId: string): Promise<boolean> {
    const lease = this.#live(threadId);
    if (lease) lease.cancelRequested = true;
    return lease !== undefined;
  }

  async isHeld(threadId: string): Promise<boolean> {
    return this.#live(threadId) !== undefined;
  }

  #live(threadId: string): Lease | undefined {
    const lease = this.#leases.get(threadId);
    if (lease && lease.expiresAt < this.now()) {
      this.#leases.delete(threadId);
      return undefined;
    }
    return lease;
  }
}
