import { describe, expect, test } from 'vitest';
import { type CpuProfile, otelShare } from './otel-share.ts';

const frame = (functionName: string, url = '') => ({ functionName, url });

/** Four samples a second: second 0 and 4 idle (start-up, after the load), seconds 1-3 loaded. */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 6] },
    { id: 2, callFrame: frame('(idle)') },
    {
      id: 3,
      callFrame: frame('handler', 'file:///app/node_modules/fastify/lib/handle-request.js'),
      children: [4],
    },
    {
      id: 4,
      callFrame: frame(
        'startSpan',
        'file:///app/node_modules/@opentelemetry/sdk-trace/dist/Tracer.mjs',
      ),
      children: [5],
    },
    { id: 5, callFrame: frame('writeUtf8String') },
    { id: 6, callFrame: frame('record', 'file:///app/packages/telemetry/src/http-metrics.ts') },
  ],
  startTime: 0,
  samples: [...[2, 2, 2, 3], ...[3, 4, 5, 6], ...[3, 3, 4, 2], ...[3, 4, 3, 3], ...[2, 2, 2, 2]],
  timeDeltas: Array.from({ length: 20 }, (_, i) => (i === 0 ? 1 : 250_000)),
};

describe('otelShare', () => {
  test('when a profile is read, then only the loaded seconds count and native frames count for their OpenTelemetry caller', () => {
    const share = otelShare(profile);

    expect(share.busySamples).toBe(11);
    expect(share.otel).toBeCloseTo(5 / 11);
    expect(share.byPackage.get('@opentelemetry/sdk-trace')).toBeCloseTo(4 / 11);
    expect(share.byPackage.get('packages/telemetry')).toBeCloseTo(1 / 11);
  });
});
