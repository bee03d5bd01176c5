import { describe, expect, it } from 'vitest';
import { AddressBuckets, addressKey, HandshakeSlots, TokenBucket } from '../src/limits.js';

describe('token buckets per source address (the enrolment port)', () => {
  it('says how long until the next try, and refills at its rate', () => {
    const bucket = new TokenBucket(0.5, 2, 0);
    expect(bucket.take(0)).toBe(true);
    expect(bucket.take(0)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.waitMs(0)).toBe(2_000);
    expect(bucket.waitMs(1_500)).toBe(500);
    expect(bucket.take(2_000)).toBe(true);
    expect(bucket.isFull(5_999)).toBe(false);
    expect(bucket.isFull(6_000)).toBe(true);
  });

  it('limits each address on its own', () => {
    const buckets = new AddressBuckets(1, 2, 100);
    expect(buckets.take('10.0.0.1', 0)).toBe(0);
    expect(buckets.take('10.0.0.1', 0)).toBe(0);
    expect(buckets.take('10.0.0.1', 0)).toBe(1_000);
    expect(buckets.take('10.0.0.2', 0)).toBe(0);
    expect(buckets.take('10.0.0.1', 1_000)).toBe(0);
  });

  it('never holds more than its bound, dropping the least recently used address', () => {
    const buckets = new AddressBuckets(0.001, 1, 3);
    for (let i = 0; i < 1_000; i++) {
      buckets.take(`10.0.${i >> 8}.${i & 255}`, i);
      expect(buckets.size).toBeLessThanOrEqual(3);
    }
    // The three most recent are remembered (and still empty); the first has been forgotten.
    expect(buckets.take('10.0.3.231', 1_000)).toBeGreaterThan(0);
    expect(buckets.take('10.0.0.0', 1_000)).toBe(0);
  });

  it('forgets addresses whose bucket has refilled, so a quiet port holds almost nothing', () => {
    const buckets = new AddressBuckets(1, 2, 10_000);
    for (let i = 0; i < 50; i++) buckets.take(`10.0.0.${i}`, 0);
    expect(buckets.size).toBe(50);
    buckets.take('10.0.1.1', 2_000);
    expect(buckets.size).toBe(1);
  });

  it('keys IPv4 (also mapped into IPv6) by address and IPv6 by its /64', () => {
    expect(addressKey('127.0.0.2')).toBe('127.0.0.2');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002::9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});

describe('TLS handshakes in progress (the MQTT port)', () => {
  it('bounds them in all and per source address, and frees a place once, whichever way the handshake ends', () => {
    const slots = new HandshakeSlots(4, 2);
    expect(slots.take('192.0.2.1', 1000)).toBeUndefined();
    expect(slots.take('192.0.2.1', 1001)).toBeUndefined();
    // A third from the same address is refused while others still get in.
    expect(slots.take('192.0.2.1', 1002)).toBe('2 from one address');
    expect(slots.take('::ffff:192.0.2.1', 1003)).toBe('2 from one address'); // the same address, mapped into IPv6
    expect(slots.take('2001:db8:1:2::a', 1000)).toBeUndefined();
    expect(slots.take('2001:db8:1:2::b', 1000)).toBeUndefined(); // the second of that /64
    expect(slots.size).toBe(4);
    expect(slots.take('198.51.100.7', 1000)).toBe('4 in all');

    // Released on handshake end and again on close: counted once.
    slots.release('192.0.2.1', 1000);
    slots.release('192.0.2.1', 1000);
    expect(slots.size).toBe(3);
    expect(slots.take('192.0.2.1', 1004)).toBeUndefined();
    expect(slots.take('192.0.2.1', 1005)).toBe('4 in all');
    // A connection that was never given a place frees nothing.
    slots.release('203.0.113.9', 1000);
    expect(slots.size).toBe(4);
  });
});
