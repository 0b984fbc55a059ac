/**
 * The last `capacity` serialised records, for clients that connect late. A ring: pushing is O(1) and
 * the memory held is bounded by `capacity` records, however long the run.
 */
export class HistoryBuffer {
  private readonly items: (string | undefined)[];
  private start = 0;
  private count = 0;
  /** seq of the oldest record held. */
  private firstSeq = 1;

  constructor(readonly capacity: number) {
    this.items = new Array<string | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Add the record with the next seq (seqs must come in order, one apart). */
  push(seq: number, json: string): void {
    if (this.capacity === 0) return;
    if (this.count === 0) this.firstSeq = seq;
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = json;
      this.count++;
    } else {
      this.items[this.start] = json;
      this.start = (this.start + 1) % this.capacity;
      this.firstSeq++;
    }
  }

  /** The records held with a seq greater than `afterSeq`, oldest first. */
  since(afterSeq = 0): string[] {
    const skip = Math.max(0, Math.min(this.count, afterSeq - this.firstSeq + 1));
    const out: string[] = [];
    for (let i = skip; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity] as string);
    return out;
  }
}
