import { describe, expect, test } from 'vitest';
import { createPasswordHasher } from './password-hasher.ts';

const fast = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

describe('password hasher', () => {
  test('when a password is stored, then only its argon2id hash with parameters and salt is kept', async () => {
    const hasher = await createPasswordHasher(fast);
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(stored).not.toContain('correct horse');
    expect(await hasher.hash('correct horse battery staple')).not.toBe(stored);
    expect(await hasher.verify(stored, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(stored, 'correct horse battery stapler')).toBe(false);
  });

  test('when a password was typed with decomposed accents, then it matches the composed one', async () => {
    const hasher = await createPasswordHasher(fast);
    const stored = await hasher.hash('café au lait, s’il vous plaît');
    expect(await hasher.verify(stored, 'cafe\u0301 au lait, s’il vous plaît')).toBe(true);
  });

  test('when a hash was made with other parameters, then it needs a rehash', async () => {
    const old = await (await createPasswordHasher(fast)).hash('correct horse battery staple');
    const current = await createPasswordHasher({ ...fast, timeCost: 2 });
    expect(current.needsRehash(old)).toBe(true);
    expect(current.needsRehash(await current.hash('correct horse battery staple'))).toBe(false);
  });

  test('when a stored hash is malformed, then it verifies nothing instead of throwing', async () => {
    const hasher = await createPasswordHasher(fast);
    expect(await hasher.verify('not-a-hash', 'correct horse battery staple')).toBe(false);
  });
});
