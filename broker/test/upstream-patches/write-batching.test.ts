import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { batchWritesPerTurn } from '../../src/upstream-patches/write-batching.js';

/** A real TCP connection on 127.0.0.1: the batched writer's socket and the peer reading it. */
async function socketPair(): Promise<{ writer: Socket; reader: Socket; server: Server }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection');
  const reader = connect(port, '127.0.0.1');
  const [writer] = (await accepted) as [Socket];
  return { writer, reader, server };
}

const readAll = (socket: Socket) =>
  new Promise<Buffer>((resolve) => {
    const parts: Buffer[] = [];
    socket.on('data', (part: Buffer) => parts.push(part));
    socket.once('end', () => resolve(Buffer.concat(parts)));
  });

describe('batchWritesPerTurn', () => {
  let pair: Awaited<ReturnType<typeof socketPair>> | undefined;
  afterEach(async () => {
    pair?.writer.destroy();
    pair?.reader.destroy();
    pair?.server.close();
    pair = undefined;
  });

  it('sends one turn of writes as one socket write, in order, and calls their callbacks', async () => {
    pair = await socketPair();
    const { writer, reader } = pair;
    const writes: number[] = [];
    // The socket's own write, counted: what the batcher hands on.
    const socketWrite = writer.write.bind(writer) as (...args: unknown[]) => boolean;
    writer.write = ((...args: unknown[]) => {
      writes.push(1);
      return socketWrite(...args);
    }) as Socket['write'];
    batchWritesPerTurn(writer);
    const received = readAll(reader);
    const called: number[] = [];
    writer.write(Buffer.from('a'));
    writer.write('b', () => called.push(1));
    writer.write(Buffer.from('c'), () => called.push(2));
    expect(writes).toHaveLength(0); // nothing handed on within the turn
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(1);
    writer.write(Buffer.from('d'));
    writer.end(Buffer.from('e')); // end's own chunk goes after what is queued
    expect((await received).toString()).toBe('abcde');
    expect(called).toEqual([1, 2]);
  });

  it('reports a full buffer and emits drain only once the peer has taken it', async () => {
    pair = await socketPair();
    const { writer, reader } = pair;
    batchWritesPerTurn(writer);
    reader.pause(); // the peer stops reading: more than the kernel buffers hold stays in the writer
    const chunk = Buffer.alloc(64 * 1024, 7);
    const results: boolean[] = [];
    for (let i = 0; i < 512; i++) results.push(writer.write(chunk)); // 32 MiB in one turn
    let drained = false;
    const drain = once(writer, 'drain').then(() => (drained = true));
    expect(results[0]).toBe(false); // one chunk is already over the high-water mark
    expect(results.every((room) => !room)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(drained).toBe(false);
    let read = 0;
    reader.on('data', (part: Buffer) => (read += part.length));
    reader.resume();
    await drain;
    expect(writer.write(Buffer.alloc(10))).toBe(true); // room again
    writer.end();
    await once(reader, 'end');
    expect(read).toBe(512 * chunk.length + 10);
  });
});
