import type { IncomingMessage } from 'node:http';
import { describe, expect, test } from 'vitest';
import { createClientAddressResolver } from './client-address.ts';

const request = (peer: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('client address', () => {
  test('when no proxy is trusted, then the socket peer is the client whatever the header says', () => {
    const resolve = createClientAddressResolver([]);

    expect(resolve(request('198.51.100.1', '203.0.113.9'))).toEqual({
      ip: '198.51.100.1',
      viaTrustedProxy: false,
    });
  });

  test('when the chain is trusted up to a hop, then that first untrusted hop is the client', () => {
    const resolve = createClientAddressResolver(['10.0.0.0/8']);

    // Read right to left: 10.0.0.5 (peer, trusted) vouches for 10.1.1.1 (trusted), which vouches
    // for 203.0.113.9 (untrusted: the client). What it claims further left is ignored.
    expect(resolve(request('10.0.0.5', '198.51.100.66, 203.0.113.9, 10.1.1.1'))).toEqual({
      ip: '203.0.113.9',
      viaTrustedProxy: true,
    });
  });

  test('when the peer is not trusted, then its X-Forwarded-For is ignored even with trusted proxies configured', () => {
    const resolve = createClientAddressResolver(['10.0.0.0/8']);

    expect(resolve(request('198.51.100.1', '10.0.0.9')).ip).toBe('198.51.100.1');
  });

  test('when TRUSTED_PROXIES holds something that is not an address, then the gateway refuses to start', () => {
    expect(() => createClientAddressResolver(['proxy.internal'])).toThrow(/^TRUSTED_PROXIES: /);
  });
});
