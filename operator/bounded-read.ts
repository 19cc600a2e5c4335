/**
 * Reading from outside with a byte limit: files, streams (stdin) and HTTP replies. Past the limit
 * the read stops at once (the stream or connection is closed) and TooLargeError says so.
 */
import * as fs from 'node:fs';
import { type Readable, Transform } from 'node:stream';

/** More than `limit` bytes arrived; reading stopped there. */
export class TooLargeError extends Error {
  public override readonly name = 'TooLargeError';

  constructor(public readonly limit: number) {
    super(`larger than ${describeBytes(limit)}`);
  }
}

/** e.g. "1 MiB (1048576 bytes)", for messages that name a limit. */
export function describeBytes(bytes: number): string {
  const units: [number, string][] = [
    [1024 * 1024, 'MiB'],
    [1024, 'KiB'],
  ];
  const exact = units.find(([unitSize]) => bytes >= unitSize && bytes % unitSize === 0);
  return exact ? `${bytes / exact[0]} ${exact[1]} (${bytes} bytes)` : `${bytes} bytes`;
}

/**
 * The file's content, if at most `limit` bytes. A regular file is judged by its size first; a device
 * or pipe (/dev/zero, a FIFO) is read up to one byte past the limit and no further.
 */
export function readFileWithLimit(file: string, limit: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isFile() && stat.size > limit) throw new TooLargeError(limit);
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    while (length <= limit) {
      const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > limit) throw new TooLargeError(limit);
    return buffer.subarray(0, length);
  } finally {
    fs.closeSync(fd);
  }
}

/** Everything a stream yields, if at most `limit` bytes; past that the stream is destroyed. */
export async function readStreamWithLimit(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.from(chunk as Buffer | string);
    length += bytes.length;
    // Leaving the loop by throwing destroys the stream.
    if (length > limit) throw new TooLargeError(limit);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/**
 * An HTTP reply's body (decompressed, as fetch gives it), if at most `limit` bytes. A declared
 * Content-Length over the limit is refused before reading; otherwise reading stops, and the
 * connection is closed, one chunk past the limit.
 */
export async function readResponseWithLimit(response: Response, limit: number): Promise<Buffer> {
  if (Number(response.headers.get('content-length')) > limit) {
    void response.body?.cancel().catch(() => undefined);
    throw new TooLargeError(limit);
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    length += value.byteLength;
    if (length > limit) {
      void reader.cancel().catch(() => undefined);
      throw new TooLargeError(limit);
    }
    chunks.push(value);
  }
}

/**
 * `source` passed through, failing with TooLargeError (and destroying `source`) once more than
 * `limit` bytes went by: for bodies that someone else reads, such as the AWS SDK's.
 */
export function limitStream(source: Readable, limit: number): Readable {
  let length = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      length += chunk.length;
      if (length <= limit) return callback(null, chunk);
      source.destroy();
      callback(new TooLargeError(limit));
    },
  });
  source.on('error', (error) => limited.destroy(error));
  return source.pipe(limited);
}
