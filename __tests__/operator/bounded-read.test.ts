import * as fs from 'node:fs';
import * as os from 'node:os';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import {
  describeBytes,
  limitStream,
  readFileWithLimit,
  readResponseWithLimit,
  readStreamWithLimit,
  TooLargeError,
} from '../../operator/bounded-read';
import { BOUNDED_READ_EVIDENCE_BYTES, endlessReply, startLocalServer } from '../helpers/fakes/local-server';
import { TEST_TIMEOUT_MS } from '../helpers/run-cli';

jest.setTimeout(TEST_TIMEOUT_MS);

const LIMIT = 64 * 1024;

/** A stream that never ends, counting what was pulled from it. */
function endlessStream() {
  const stream = new Readable({
    read() {
      stream.pulled += 16 * 1024;
      this.push(Buffer.alloc(16 * 1024));
    },
  }) as Readable & { pulled: number };
  stream.pulled = 0;
  return stream;
}

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-bounded-read-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readFileWithLimit', () => {
  test('/dev/zero, which never ends, stops one byte past the limit', () => {
    expect(() => readFileWithLimit('/dev/zero', LIMIT)).toThrow(new TooLargeError(LIMIT));
  });

  test('a 16 GiB sparse file is refused by its size, before reading', () => {
    const file = path.join(dir, 'sparse');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 16 * 1024 ** 3);
    // The module object itself: the namespace import's properties cannot be redefined.
    const reads = jest.spyOn(jest.requireActual<typeof fs>('node:fs'), 'readSync');
    try {
      expect(() => readFileWithLimit(file, LIMIT)).toThrow(/^larger than 64 KiB \(65536 bytes\)$/);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
  });

  test.each([
    ['exactly the limit, in two pieces, is read whole', ['01234', '56789'], '0123456789'],
    ['the limit and then one byte more is refused, not cut at the limit', ['0123456789', 'x'], undefined],
  ])('a pipe: %s', async (_what, pieces, expected) => {
    const fifo = path.join(dir, `fifo-${pieces.join('').length}`);
    execFileSync('mkfifo', [fifo]);
    // The writer is a thread of its own, as this one blocks in the read; it pauses between pieces.
    const writer = new Worker(
      `const fs = require('node:fs');
       const { fifo, pieces } = require('node:worker_threads').workerData;
       const fd = fs.openSync(fifo, 'w');
       for (const piece of pieces) {
         fs.writeSync(fd, piece);
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
       }
       fs.closeSync(fd);`,
      { eval: true, workerData: { fifo, pieces } },
    );
    const exited = new Promise((resolve) => writer.once('exit', resolve));
    try {
      if (expected === undefined) expect(() => readFileWithLimit(fifo, 10)).toThrow(new TooLargeError(10));
      else expect(readFileWithLimit(fifo, 10).toString()).toBe(expected);
    } finally {
      await exited;
    }
  });

  test('the file is closed after a read, a refusal and a failure alike', () => {
    const open = () => fs.readdirSync('/proc/self/fd').length;
    const file = path.join(dir, 'small');
    fs.writeFileSync(file, 'abc');
    const before = open();

    readFileWithLimit(file, LIMIT);
    expect(() => readFileWithLimit('/dev/zero', LIMIT)).toThrow(TooLargeError);
    expect(() => readFileWithLimit(dir, LIMIT)).toThrow(expect.objectContaining({ code: 'EISDIR' }));

    expect(open()).toBe(before);
  });

  test('exactly the limit is read whole; one byte more is refused', () => {
    const file = path.join(dir, 'exact');
    fs.writeFileSync(file, Buffer.alloc(LIMIT, 'a'));
    expect(readFileWithLimit(file, LIMIT).length).toBe(LIMIT);
    fs.appendFileSync(file, 'a');
    expect(() => readFileWithLimit(file, LIMIT)).toThrow(TooLargeError);
  });

  test('an empty file, a missing file and a folder', () => {
    const file = path.join(dir, 'empty');
    fs.writeFileSync(file, '');
    expect(readFileWithLimit(file, LIMIT).length).toBe(0);
    expect(() => readFileWithLimit(path.join(dir, 'missing'), LIMIT)).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
    expect(() => readFileWithLimit(dir, LIMIT)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });
});

describe('readStreamWithLimit', () => {
  test('an endless stream is destroyed past the limit, having been pulled only a little past it', async () => {
    const stream = endlessStream();
    await expect(readStreamWithLimit(stream, LIMIT)).rejects.toThrow(TooLargeError);
    expect(stream.destroyed).toBe(true);
    expect(stream.pulled).toBeLessThan(LIMIT * 4);
  });

  test('what fits is returned whole, strings included', async () => {
    await expect(readStreamWithLimit(Readable.from(['ab', Buffer.from('cd')]), 4)).resolves.toEqual(
      Buffer.from('abcd'),
    );
    await expect(readStreamWithLimit(Readable.from(['ab', 'cde']), 4)).rejects.toThrow(TooLargeError);
  });
});

describe('readResponseWithLimit', () => {
  test('an endless reply: reading stops and the connection is closed, after a bounded amount', async () => {
    const { handler, sent } = endlessReply();
    const server = await startLocalServer(handler);
    try {
      const response = await fetch(server.url);
      await expect(readResponseWithLimit(response, LIMIT)).rejects.toThrow(TooLargeError);
      expect(await sent).toBeLessThan(BOUNDED_READ_EVIDENCE_BYTES);
    } finally {
      await server.close();
    }
  });

  test('a declared Content-Length over the limit is refused before reading', async () => {
    const server = await startLocalServer((_request, response) => {
      response.writeHead(200, { 'content-length': String(10 * 1024 ** 3) });
      response.write('x');
    });
    try {
      const response = await fetch(server.url);
      await expect(readResponseWithLimit(response, LIMIT)).rejects.toThrow(TooLargeError);
    } finally {
      await server.close();
    }
  });

  test('a gzip bomb is measured decompressed', async () => {
    const { gzipSync } = await import('node:zlib');
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const server = await startLocalServer((_request, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      response.end(bomb);
    });
    try {
      expect(bomb.length).toBeLessThan(LIMIT);
      const response = await fetch(server.url);
      await expect(readResponseWithLimit(response, LIMIT)).rejects.toThrow(TooLargeError);
    } finally {
      await server.close();
    }
  });

  test('a reply that fits is returned whole', async () => {
    const server = await startLocalServer((_request, response) => response.end('{"keys":[]}'));
    try {
      const body = await readResponseWithLimit(await fetch(server.url), LIMIT);
      expect(body.toString()).toBe('{"keys":[]}');
    } finally {
      await server.close();
    }
  });
});

test.each([
  ['with its Content-Length', { 'content-length': String(LIMIT) }],
  ['without one', {}],
])('readResponseWithLimit: a reply of exactly the limit, %s, is returned whole', async (_what, headers) => {
  const body = await readResponseWithLimit(new Response(Buffer.alloc(LIMIT, 'x'), { headers }), LIMIT);
  expect(body.length).toBe(LIMIT);
});

test('limitStream passes exactly the limit through, in chunks', async () => {
  const source = Readable.from([Buffer.alloc(LIMIT - 1, 'a'), Buffer.from('b')]);
  const chunks: Buffer[] = [];
  for await (const chunk of limitStream(source, LIMIT)) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).length).toBe(LIMIT);
});

test("limitStream passes its source's error on to the reader", async () => {
  const source = new Readable({ read() {} });
  const limited = limitStream(source, LIMIT);
  const failure = new Promise((resolve) => limited.on('error', resolve));
  source.destroy(new Error('connection reset'));
  expect(await failure).toEqual(new Error('connection reset'));
});

test('limitStream fails the reader and destroys an endless source past the limit', async () => {
  const source = endlessStream();
  const chunks: Buffer[] = [];
  await expect(
    (async () => {
      for await (const chunk of limitStream(source, LIMIT)) chunks.push(chunk as Buffer);
    })(),
  ).rejects.toThrow(TooLargeError);
  expect(source.destroyed).toBe(true);
  expect(Buffer.concat(chunks).length).toBeLessThanOrEqual(LIMIT);
});

test.each([
  [1024 * 1024, '1 MiB (1048576 bytes)'],
  [64 * 1024, '64 KiB (65536 bytes)'],
  [1000, '1000 bytes'],
  [0, '0 bytes'],
  [1024 * 1024 + 1024, '1025 KiB (1049600 bytes)'],
])('describeBytes(%p)', (bytes, text) => {
  expect(describeBytes(bytes)).toBe(text);
});
