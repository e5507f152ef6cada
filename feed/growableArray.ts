/**
 * A typed array that grows as rows are read, for files whose row count is unknown until the end.
 * It grows in fixed chunks of 2^20 values, never by copying everything into a bigger array, so 20M
 * orders take their own size plus at most one chunk, with no doubling spike. Numbers, not objects.
 */
type NumericArray = Int8Array | Uint8Array | Int32Array | Float64Array;

const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;
const FIRST_CAPACITY = 1 << 12;

export class GrowableArray<T extends NumericArray> {
  /** Full chunks of CHUNK values each. */
  private chunks: T[] = [];
  /** The chunk being filled; the first one starts small so small feeds stay small. */
  private current: T;
  private used = 0;

  constructor(private readonly make: (length: number) => T) {
    this.current = make(FIRST_CAPACITY);
  }

  get length(): number {
    return this.chunks.length * CHUNK + this.used;
  }

  /** Appends one value. */
  push(value: number): void {
    if (this.used === this.current.length) this.grow();
    this.current[this.used++] = value;
  }

  /** The value at `index`. */
  get(index: number): number {
    const chunk = index >>> CHUNK_BITS;
    return chunk === this.chunks.length ? this.current[index & MASK] : this.chunks[chunk][index & MASK];
  }

  /** Overwrites the value at `index`. */
  set(index: number, value: number): void {
    const chunk = index >>> CHUNK_BITS;
    if (chunk === this.chunks.length) this.current[index & MASK] = value;
    else this.chunks[chunk][index & MASK] = value;
  }

  /** A contiguous copy of all values. */
  copy(): T {
    const out = this.make(this.length);
    this.chunks.forEach((chunk, i) => {
      out.set(chunk, i * CHUNK);
    });
    out.set(this.current.subarray(0, this.used), this.chunks.length * CHUNK);
    return out;
  }

  /** All values as one contiguous array, releasing each chunk once copied; this array is empty after. */
  take(): T {
    const out = this.make(this.length);
    const full = this.chunks;
    this.chunks = [];
    for (let i = 0; i < full.length; i++) {
      out.set(full[i], i * CHUNK);
      // Drop the reference so the chunk can be collected while the rest is copied.
      full[i] = this.make(0);
    }
    out.set(this.current.subarray(0, this.used), full.length * CHUNK);
    this.current = this.make(FIRST_CAPACITY);
    this.used = 0;
    return out;
  }

  private grow(): void {
    if (this.current.length < CHUNK) {
      // Still the first chunk: double it (small copies, at most 4 MB).
      const bigger = this.make(Math.min(this.current.length * 2, CHUNK));
      bigger.set(this.current);
      this.current = bigger;
      return;
    }
    this.chunks.push(this.current);
    this.current = this.make(CHUNK);
    this.used = 0;
  }
}

/** A growable Int32Array. */
export const growableInt32 = () => new GrowableArray((n) => new Int32Array(n));
/** A growable Float64Array. */
export const growableFloat64 = () => new GrowableArray((n) => new Float64Array(n));
/** A growable Int8Array. */
export const growableInt8 = () => new GrowableArray((n) => new Int8Array(n));
/** A growable Uint8Array. */
export const growableUint8 = () => new GrowableArray((n) => new Uint8Array(n));
