/** A token bucket: `rate` tokens a second, holding at most `burst`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until take() can succeed again (0 when it can now). */
  waitMs(now = Date.now()): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }

  /** Whether the bucket has refilled: it then behaves exactly like a new one. */
  isFull(now = Date.now()): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}

/**
 * One token bucket per source address, for a port anyone may reach. The map is bounded: buckets
 * that have refilled are forgotten (a new one is the same), and when it is full of busy ones the
 * least recently used goes. Whoever can cycle through more addresses than the bound gets fresh
 * buckets, which is why a port using this also keeps a global ceiling.
 */
export class AddressBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly maxAddresses: number,
  ) {}

  /** Takes a token for the address: 0 when allowed, else how long until it would be. */
  take(address: string, now = Date.now()): number {
    let bucket = this.buckets.get(address);
    if (bucket) this.buckets.delete(address);
    else bucket = new TokenBucket(this.rate, this.burst, now);
    // Re-inserted last: the map's order is least recently used first.
    this.buckets.set(address, bucket);
    const wait = bucket.take(now) ? 0 : bucket.waitMs(now);
    this.forget(now);
    return wait;
  }

  get size(): number {
    return this.buckets.size;
  }

  private forget(now: number): void {
    for (const [address, bucket] of this.buckets) {
      if (this.buckets.size <= this.maxAddresses && !bucket.isFull(now)) break;
      this.buckets.delete(address);
    }
  }
}

/**
 * The key a source address is limited under: IPv4 as it is (also when mapped into IPv6), IPv6 by
 * its /64, which one host or site usually holds whole and can pick any address from.
 */
export function addressKey(remote: string | undefined): string {
  if (!remote) return 'unknown';
  const address = remote.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1] as string;
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? headGroups : [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * TLS handshakes in progress, bounded in all and per source address (`addressKey`), so that one
 * address opening connections and never finishing them cannot take every place.
 */
export class HandshakeSlots {
  private readonly addressOf = new Map<string, string>();
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly maxPerAddress: number,
  ) {}

  /** Takes a place for the connection from `remote`:`port`: undefined when taken, else the limit that is full. */
  take(remote: string | undefined, port: number | undefined): string | undefined {
    const address = addressKey(remote);
    const held = this.perAddress.get(address) ?? 0;
    if (this.addressOf.size >= this.max) return `${this.max} in all`;
    if (held >= this.maxPerAddress) return `${this.maxPerAddress} from one address`;
    this.addressOf.set(`${remote}:${port}`, address);
    this.perAddress.set(address, held + 1);
    return undefined;
  }

  /** Its handshake finished or failed, or the connection closed; a second release does nothing. */
  release(remote: string | undefined, port: number | undefined): void {
    const peer = `${remote}:${port}`;
    const address = this.addressOf.get(peer);
    if (address === undefined) return;
    this.addressOf.delete(peer);
    const held = (this.perAddress.get(address) ?? 1) - 1;
    if (held > 0) this.perAddress.set(address, held);
    else this.perAddress.delete(address);
  }

  get size(): number {
    return this.addressOf.size;
  }
}

/**
 * Watches the bytes a client sends and reports the first MQTT packet whose declared size is over
 * the limit, from its fixed header, before the body is buffered: aedes has no such limit of its own.
 */
export class PacketSizeGuard {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private remaining = 0;

  constructor(private readonly maxBytes: number) {}

  /** Returns the declared size of an oversized packet, or undefined while all is within bounds. */
  feed(chunk: Buffer): number | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = 'type';
        continue;
      }
      const byte = chunk[i++] as number;
      if (this.state === 'type') {
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      if (byte & 0x80) continue;
      if (this.length > this.maxBytes) return this.length;
      this.remaining = this.length;
      this.state = this.remaining > 0 ? 'body' : 'type';
    }
    return undefined;
  }
}
