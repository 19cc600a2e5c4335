import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake S3 served: method, object key (or "?list" for listings), and the headers that matter. */
export interface S3Request {
  readonly method: string;
  readonly key: string;
  readonly ifNoneMatch?: string;
  readonly serverSideEncryption?: string;
}

/**
 * The part of S3 that Terraform's S3 backend uses (path-style ListObjectsV2, Get/Head/Put/DeleteObject,
 * and PutObject with If-None-Match for native locking), in memory on loopback.
 */
export async function startFakeS3() {
  const objects = new Map<string, Buffer>();
  const requests: S3Request[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://s3.local');
      const [, bucket, ...rest] = decodeURIComponent(url.pathname).split('/');
      const key = rest.join('/');
      const header = (name: string) => request.headers[name] as string | undefined;
      requests.push({
        method: request.method ?? '',
        key: url.searchParams.get('list-type') === '2' ? '?list' : key,
        ifNoneMatch: header('if-none-match'),
        serverSideEncryption: header('x-amz-server-side-encryption'),
      });
      const xml = (status: number, body: string) => {
        response.writeHead(status, { 'content-type': 'application/xml' });
        response.end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
      };
      if (request.method === 'GET' && url.searchParams.get('list-type') === '2') {
        const prefix = url.searchParams.get('prefix') ?? '';
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix));
        return xml(
          200,
          `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${prefix}</Prefix>` +
            `<KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>` +
            keys
              .map((k) => `<Contents><Key>${k}</Key><Size>${objects.get(k)!.length}</Size></Contents>`)
              .join('') +
            '</ListBucketResult>',
        );
      }
      if (request.method === 'PUT') {
        if (header('if-none-match') === '*' && objects.has(key)) {
          return xml(
            412,
            '<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>',
          );
        }
        objects.set(key, Buffer.concat(chunks));
        response.writeHead(200, { etag: '"0"' });
        return response.end();
      }
      if (request.method === 'GET' || request.method === 'HEAD') {
        const object = objects.get(key);
        if (!object)
          return xml(
            404,
            '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
          );
        response.writeHead(200, { etag: '"0"', 'content-length': object.length });
        return response.end(request.method === 'HEAD' ? undefined : object);
      }
      if (request.method === 'DELETE') {
        objects.delete(key);
        response.writeHead(204);
        return response.end();
      }
      xml(400, '<Error><Code>NotImplemented</Code></Error>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
