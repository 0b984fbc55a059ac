/**
 * The serialised records, once: the recent history for clients that connect late, and whatever a
 * connected client has not been sent yet. A client is a cursor into this log, not a queue of its own,
 * so publishing costs the same however many clients there are; its backlog is counted in characters
 * from running totals, without walking the records.
 *
 * Records are kept from the oldest seq still needed (by the history bound or by the slowest client)
 * on; {@link RecordLog.trim} forgets the rest. Pushing is O(1); the arrays are compacted now and then.
 */
export class RecordLog {
  private items: string[] = [];
  /** starts[i]: characters appended before items[i] (a running total over the log's life). */
  private starts: number[] = [];
  private head = 0;
  /** seq of items[head]. */
  private firstSeq = 1;
  private total = 0;

  /** The seq the next record will have (one past the newest). */
  get nextSeq(): number {
    return this.firstSeq + this.items.length - this.head;
  }

  /** The oldest seq held (equal to `nextSeq` when empty). */
  get oldestSeq(): number {
    return this.firstSeq;
  }

  /** Records held. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Characters appended over the log's life. */
  get chars(): number {
    return this.total;
  }

  /** Append the record with seq `nextSeq` (seqs come in order, one apart; the first may be any). */
  push(seq: number, json: string): void {
    if (this.size === 0) this.firstSeq = seq;
    this.items.push(json);
    this.starts.push(this.total);
    this.total += json.length;
  }

  /** Characters appended before record `seq` (`chars` for `nextSeq`). `seq` must be held or next. */
  charsBefore(seq: number): number {
    return seq >= this.nextSeq ? this.total : (this.starts[this.head + Math.max(0, seq - this.firstSeq)] as number);
  }

  /** Records from `seq` on, up to about `maxChars` (at least one, if there is one). */
  take(seq: number, maxChars: number): string[] {
    const out: string[] = [];
    let taken = 0;
    for (let i = this.head + Math.max(0, seq - this.firstSeq); i < this.items.length; i++) {
      const r = this.items[i] as string;
      if (out.length > 0 && taken + r.length > maxChars) break;
      out.push(r);
      taken += r.length;
    }
    return out;
  }

  /** Every record from `seq` on. */
  since(seq: number): string[] {
    return this.items.slice(this.head + Math.max(0, seq - this.firstSeq));
  }

  /** Forget the records before `seq`. */
  trim(seq: number): void {
    const drop = Math.min(this.size, seq - this.firstSeq);
    if (drop <= 0) return;
    for (let i = this.head; i < this.head + drop; i++) this.items[i] = '';
    this.head += drop;
    this.firstSeq += drop;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.starts = this.starts.slice(this.head);
      this.head = 0;
    }
  }
}
