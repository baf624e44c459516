import { describe, expect, test } from 'vitest';
import { toClientHeaders, toUpstreamHeaders } from './forwarded-headers.ts';

const direct = { ip: '203.0.113.7', viaTrustedProxy: false };
const behindBalancer = { ip: '203.0.113.7', viaTrustedProxy: true };

describe('forwarded headers', () => {
  test('when a request is forwarded, then hop-by-hop headers and those its Connection names are dropped', () => {
    const headers = toUpstreamHeaders(
      {
        connection: 'keep-alive, X-Session-Hop',
        'x-session-hop': '1',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic eA==',
        'proxy-connection': 'keep-alive',
        te: 'trailers',
        trailer: 'x-sum',
        'transfer-encoding': 'chunked',
        upgrade: 'websocket',
        authorization: 'Bearer t',
        traceparent: '00-1-2-01',
        accept: 'application/json',
      },
      { requestId: 'req-1', client: direct },
    );

    expect(headers).toEqual({
      authorization: 'Bearer t',
      traceparent: '00-1-2-01',
      accept: 'application/json',
      'x-request-id': 'req-1',
      'x-forwarded-for': '203.0.113.7',
    });
  });

  test('when a client claims an origin, then the gateway states the address it resolved instead', () => {
    const headers = toUpstreamHeaders(
      {
        'x-forwarded-for': '10.9.9.9',
        forwarded: 'for=10.9.9.9',
        'x-real-ip': '10.9.9.9',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'evil.example',
        'x-request-id': 'spoofed',
      },
      { requestId: 'req-2', client: direct },
    );

    expect(headers).toEqual({ 'x-request-id': 'req-2', 'x-forwarded-for': '203.0.113.7' });
  });

  test('when the peer is a trusted proxy, then its X-Forwarded-Proto and Host pass on', () => {
    const headers = toUpstreamHeaders(
      { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' },
      { requestId: 'req-3', client: behindBalancer },
    );

    expect(headers).toMatchObject({
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.example.com',
    });
  });

  test('when a response is relayed, then end-to-end headers pass and hop-by-hop ones do not', () => {
    expect(
      toClientHeaders({
        connection: 'keep-alive, x-internal',
        'x-internal': 'secret',
        'keep-alive': 'timeout=72',
        'proxy-authenticate': 'Basic',
        'transfer-encoding': 'chunked',
        'cache-control': 'private, max-age=60',
        etag: '"v1"',
        'set-cookie': ['a=1', 'b=2'],
        'content-length': '12',
      }),
    ).toEqual({
      'cache-control': 'private, max-age=60',
      etag: '"v1"',
      'set-cookie': ['a=1', 'b=2'],
      'content-length': '12',
    });
  });
});
