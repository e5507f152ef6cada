/**
 * A typed array that grows by half again when full, for reading rows whose count is unknown until
 * the end of the file. Numbers, not objects: 20M orders stay a few hundred megabytes.
 */
type NumericArray = Int8Array | Uint8Array | Int32Array | Float64Array;

export class GrowableArray<T extends NumericArray> {
  private data: T;
  private size = 0;

  constructor(
    private readonly make: (length: number) => T,
    initialCapacity = 1 << 16,
  ) {
    this.data = make(initialCapacity);
  }

  get length(): number {
    return this.size;
  }

  /** Appends one value. */
  push(value: number): void {
    if (this.size === this.data.length) this.grow();
    this.data[this.size++] = value;
  }

  /** The filled part, sharing memory with this array (valid until the next push). */
  view(): T {
    return this.data.subarray(0, this.size) as T;
  }

  private grow(): void {
    const next = this.make(Math.ceil(this.data.length * 1.5) + 16);
    next.set(this.data);
    this.data = next;
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
