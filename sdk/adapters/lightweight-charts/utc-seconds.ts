/** lightweight-charts' three time forms (UTC seconds, 'YYYY-MM-DD', business day) as one number. */
import type { BusinessDay, Time } from 'lightweight-charts';

/** A chart time as UTC seconds, or null when it is not a time we understand. */
export function timeToSeconds(time: Time): number | null {
  if (typeof time === 'number') return Number.isFinite(time) ? time : null;
  if (typeof time === 'string') {
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(time) ? `${time}T00:00:00Z` : time);
    return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
  }
  const day = time as BusinessDay;
  return Math.floor(Date.UTC(day.year, day.month - 1, day.day) / 1000);
}
