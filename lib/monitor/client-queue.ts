/**
 * One client's outgoing queue: serialised records waiting for the socket to take them. The strings are
 * shared between all clients' queues (an event is serialised once), so a queue costs one reference per
 * record; its bound is counted in characters of the records it holds.
 *
 * The history a client gets on connecting may be larger than the bound: it is let in as a `credit`
 * that shrinks as the history is sent, so a late client is not dropped for the history it was given.
 */
export class ClientQueue {
  private items: string[] = [];
  private head = 0;
  private chars = 0;
  private credit = 0;

  constructor(private readonly limit: number) {}

  /** Characters waiting. */
  get length(): number {
    return this.chars;
  }

  get empty(): boolean {
    return this.head >= this.items.length;
  }

  /** Queue the history (allowed beyond the limit). */
  preload(records: readonly string[]): void {
    for (const r of records) {
      this.items.push(r);
      this.chars += r.length;
      this.credit += r.length;
    }
  }

  /** Queue one record; false (and nothing queued) when that would go over the limit. */
  push(record: string): boolean {
    if (this.chars - this.credit + record.length > this.limit) return false;
    this.items.push(record);
    this.chars += record.length;
    return true;
  }

  /** Take records, oldest first, up to about `maxChars` (at least one). */
  take(maxChars: number): string[] {
    const out: string[] = [];
    let taken = 0;
    while (this.head < this.items.length && (out.length === 0 || taken + (this.items[this.head] as string).length <= maxChars)) {
      const r = this.items[this.head] as string;
      this.items[this.head] = '';
      this.head++;
      out.push(r);
      taken += r.length;
    }
    this.chars -= taken;
    this.credit = Math.max(0, this.credit - taken);
    // Compact now and then so the array does not keep growing at the front.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.chars = 0;
    this.credit = 0;
  }
}
