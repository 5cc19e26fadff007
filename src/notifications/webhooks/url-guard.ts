/**
 * The SSRF guard: a webhook may only point at http(s) on a public address,
 * unless WEBHOOK_ALLOW_PRIVATE. Checked when the endpoint is registered and
 * again at every connection (the name is resolved anew each time, so a DNS
 * answer that changes to a private address after registration is refused too).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAll } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { BadUserInputError } from '../../domain/shared/errors.js';

/** Loopback, private, link-local, shared, documentation, multicast and reserved ranges (IANA special-purpose registries). */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** True for an address a webhook may not reach unless private addresses are allowed. */
export function isNonPublicAddress(address: string): boolean {
  const mapped = MAPPED_V4.exec(address);
  if (mapped) return isNonPublicAddress(mapped[1]);
  const family = isIP(address);
  if (family === 0) return true;
  return NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class WebhookAddressError extends Error {
  readonly code = 'WEBHOOK_ADDRESS_REFUSED';

  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, a loopback or private address (set WEBHOOK_ALLOW_PRIVATE to allow it)`);
    this.name = 'WebhookAddressError';
  }
}

const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Checks a URL given to registerWebhook; BAD_USER_INPUT (field `url`) when refused. */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadUserInputError('The webhook URL is not a valid absolute URL', 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadUserInputError('The webhook URL must use http or https', 'url');
  if (url.username || url.password) throw new BadUserInputError('The webhook URL may not carry a user name or password', 'url');
  if (raw.length > 2_000) throw new BadUserInputError('The webhook URL may be at most 2,000 characters', 'url');
  if (allowPrivate) return url;
  const host = hostOf(url);
  let addresses: LookupAddress[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await dnsLookupAll(host, { all: true, verbatim: true });
  } catch {
    throw new BadUserInputError(`The webhook host ${host} does not resolve`, 'url');
  }
  const refused = addresses.find((entry) => isNonPublicAddress(entry.address));
  if (refused) throw new BadUserInputError(new WebhookAddressError(host, refused.address).message, 'url');
  return url;
}

/** For http.request's `lookup`: resolves as usual, then refuses a non-public answer. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as LookupAddress[];
    const refused = list.find((entry) => isNonPublicAddress(entry.address));
    if (refused) return callback(Object.assign(new WebhookAddressError(hostname, refused.address), { errno: 0, syscall: 'lookup' }) as NodeJS.ErrnoException, '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    callback(null, list[0].address, list[0].family);
  });
};

/** A literal IP in the URL skips `lookup`: checked here before connecting. */
export function refuseNonPublicLiteral(url: URL): void {
  const host = hostOf(url);
  if (isIP(host) && isNonPublicAddress(host)) throw new WebhookAddressError(host, host);
}
