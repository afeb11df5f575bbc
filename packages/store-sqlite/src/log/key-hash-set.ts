/**
 * The 64-bit hash of an event's `(source, key)` for de-duplication, as two 32-bit halves: two independent
 * multiplicative string hashes (FNV-1a and a Murmur-style mix) over `source`, a NUL and `key`. Two different keys of
 * one source share both halves with odds of about n / 2^63 per lookup, n the keys held (10^-13 for a million): an
 * event is never dropped as a duplicate it is not, for any practical purpose.
 */
export const keyHash = (source: string, key: string): [hi: number, lo: number] => {
  const out = new Uint32Array(2);
  keyHashInto(source, key, out, 0);
  return [out[0] as number, out[1] as number];
};

/** `keyHash` written into `out[at]` (hi) and `out[at + 1]` (lo): no array and no closure per event. */
export const keyHashInto = (source: string, key: string, out: Uint32Array, at: number): void => {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  const length = source.length + 1 + key.length;
  for (let i = 0; i < length; i += 1) {
    const code = i < source.length ? source.charCodeAt(i) : i === source.length ? 0 : key.charCodeAt(i - source.length - 1);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  // (0, 0) marks an empty slot; the low bit of `lo` is always set, so no hash is ever (0, 0).
  out[at] = a >>> 0;
  out[at + 1] = (b | 1) >>> 0;
};

/**
 * A set of 64-bit key hashes in two typed arrays (open addressing, linear probing, at most half full): 16 bytes per
 * key and no object per key, so a million keys cost 16 MB, not the ~80 MB of a `Set` of strings. The keys of one
 * journal segment; its halves are written to disk as they are (`toBuffer`) when the segment is compacted away.
 */
export class KeyHashSet {
  #hi: Uint32Array;
  #lo: Uint32Array;
  #size = 0;

  constructor(capacity = 1_024) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.#hi = new Uint32Array(slots);
    this.#lo = new Uint32Array(slots);
  }

  get size(): number {
    return this.#size;
  }

  has(hi: number, lo: number): boolean {
    const mask = this.#hi.length - 1;
    for (let i = (hi ^ lo) & mask; ; i = (i + 1) & mask) {
      const l = this.#lo[i] as number;
      if (l === 0) return false;
      if (l === lo && this.#hi[i] === hi) return true;
    }
  }

  /** Adds a hash; false when it was there already. */
  add(hi: number, lo: number): boolean {
    if ((this.#size + 1) * 2 > this.#hi.length) this.#grow();
    const mask = this.#hi.length - 1;
    for (let i = (hi ^ lo) & mask; ; i = (i + 1) & mask) {
      const l = this.#lo[i] as number;
      if (l === 0) {
        this.#hi[i] = hi;
        this.#lo[i] = lo;
        this.#size += 1;
        return true;
      }
      if (l === lo && this.#hi[i] === hi) return false;
    }
  }

  /** The hashes held, as `size` pairs of little-endian u32 (hi, lo). */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.#size * 8);
    let at = 0;
    for (let i = 0; i < this.#lo.length; i += 1) {
      if (this.#lo[i] === 0) continue;
      out.writeUInt32LE(this.#hi[i] as number, at);
      out.writeUInt32LE(this.#lo[i] as number, at + 4);
      at += 8;
    }
    return out;
  }

  /** Adds `count` pairs read from `buffer` at `offset` (the layout of `toBuffer` and of a batch record). */
  addFrom(buffer: Buffer, offset: number, count: number): void {
    for (let n = 0; n < count; n += 1) this.add(buffer.readUInt32LE(offset + n * 8), buffer.readUInt32LE(offset + n * 8 + 4));
  }

  #grow(): void {
    const hi = this.#hi;
    const lo = this.#lo;
    this.#hi = new Uint32Array(hi.length * 2);
    this.#lo = new Uint32Array(lo.length * 2);
    this.#size = 0;
    for (let i = 0; i < lo.length; i += 1) if (lo[i] !== 0) this.add(hi[i] as number, lo[i] as number);
  }
}
