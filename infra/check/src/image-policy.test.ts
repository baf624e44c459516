import { describe, expect, it } from 'vitest';
import { checkImage, type ImageInspect, requiredLabels, runsAsRoot } from './image-policy.ts';

const labels = Object.fromEntries(requiredLabels.map((label) => [label, 'set']));
const service = { maxBytes: 200_000_000, healthcheck: true };
const good: ImageInspect = {
  Size: 180_000_000,
  Config: {
    User: '1000:1000',
    Labels: labels,
    Healthcheck: { Test: ['CMD', 'node', '/usr/local/lib/groundwork/healthcheck.mjs'] },
  },
};
const messages = (image: ImageInspect, rules = service) =>
  checkImage('groundwork/orders:local', image, rules).map((finding) => finding.message);

describe('checkImage', () => {
  it('when an app image is small, non-root, healthchecked and labelled, then it passes', () => {
    expect(messages(good)).toEqual([]);
  });

  it('when an image is over the size budget, then its size and the budget are reported', () => {
    expect(messages({ ...good, Size: 541_000_000 })).toEqual(['is 541 MB, over the 200 MB budget']);
  });

  it('when the image user is missing, root or uid 0, then it is reported as running as root', () => {
    for (const user of [undefined, '', 'root', '0', '0:0', 'root:node']) {
      expect(messages({ ...good, Config: { ...good.Config, User: user } })).toEqual([
        `runs as root (USER is ${user ? `"${user}"` : 'not set'})`,
      ]);
    }
  });

  it('when a service image has no HEALTHCHECK or disables it, then it is reported', () => {
    expect(messages({ ...good, Config: { ...good.Config, Healthcheck: null } })).toEqual([
      'has no HEALTHCHECK',
    ]);
    expect(
      messages({ ...good, Config: { ...good.Config, Healthcheck: { Test: ['NONE'] } } }),
    ).toEqual(['has no HEALTHCHECK']);
  });

  it('when a one-shot job image has no HEALTHCHECK, then that alone passes', () => {
    const job = { ...good, Config: { ...good.Config, Healthcheck: null } };
    expect(messages(job, { ...service, healthcheck: false })).toEqual([]);
  });

  it('when OCI labels are missing or empty, then each missing label is named', () => {
    const { 'org.opencontainers.image.revision': _, ...partial } = labels;
    const image = {
      ...good,
      Config: { ...good.Config, Labels: { ...partial, 'org.opencontainers.image.created': '' } },
    };
    expect(messages(image)).toEqual([
      'lacks the OCI labels org.opencontainers.image.revision, org.opencontainers.image.created',
    ]);
  });

  it('when an image breaks every rule, then every rule is reported', () => {
    expect(messages({ Size: 900_000_000, Config: null })).toHaveLength(4);
  });
});

describe('runsAsRoot', () => {
  it('when the user is a non-zero uid or a named user, then it is not root', () => {
    for (const user of ['1000', '1000:1000', 'node', 'node:node']) {
      expect(runsAsRoot(user)).toBe(false);
    }
  });
});
