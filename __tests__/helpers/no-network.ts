/**
 * Preloaded into a CLI run (node -r) to prove it refuses before any network use: the first DNS
 * lookup or socket connection prints "network used: ..." and exits with NETWORK_USED_EXIT_CODE.
 */
import dns from 'node:dns';
import net from 'node:net';
import { NETWORK_USED_EXIT_CODE } from './run-cli';

function refuse(what: string): never {
  process.stderr.write(`network used: ${what}\n`);
  process.exit(NETWORK_USED_EXIT_CODE);
}

// tls and undici (fetch) connect through net.Socket too.
net.Socket.prototype.connect = function connect(...args: unknown[]) {
  refuse(`connect ${JSON.stringify(args[0])}`);
} as typeof net.Socket.prototype.connect;
dns.lookup = ((hostname: string) => refuse(`lookup ${hostname}`)) as unknown as typeof dns.lookup;
dns.promises.lookup = ((hostname: string) => refuse(`lookup ${hostname}`)) as typeof dns.promises.lookup;
