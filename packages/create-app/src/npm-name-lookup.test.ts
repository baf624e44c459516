import { describe, expect, it, vi } from 'vitest';
import { registryNameLookup } from './npm-name-lookup.ts';

function answering(status: number): typeof fetch {
  return vi.fn(async () => new Response(null, { status })) as unknown as typeof fetch;
}

describe('registryNameLookup', () => {
  it('when the registry has the package, then taken; when it answers 404, then free', async () => {
    const fetchTaken = answering(200);
    expect(await registryNameLookup({}, fetchTaken)('express')).toBe('taken');
    expect(fetchTaken).toHaveBeenCalledWith(
      'https://registry.npmjs.org/express',
      expect.objectContaining({ method: 'HEAD' }),
    );
    expect(await registryNameLookup({}, answering(404))('my-new-api')).toBe('free');
  });

  it('when the registry is unreachable or answers an error, then unknown, never a throw', async () => {
    const offline = vi.fn(async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    expect(await registryNameLookup({}, offline)('express')).toBe('unknown');
    expect(await registryNameLookup({}, answering(503))('express')).toBe('unknown');
  });

  it('when npm is offline or points at another registry, then that is respected', async () => {
    const fetchSpy = answering(200);
    expect(await registryNameLookup({ npm_config_offline: 'true' }, fetchSpy)('x')).toBe('unknown');
    expect(fetchSpy).not.toHaveBeenCalled();
    await registryNameLookup(
      { npm_config_registry: 'https://npm.example.test' },
      fetchSpy,
    )('@acme/api');
    expect(fetchSpy).toHaveBeenCalledWith(
      'https://npm.example.test/@acme%2fapi',
      expect.anything(),
    );
  });
});
