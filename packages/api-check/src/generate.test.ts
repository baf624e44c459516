import { expect, test } from 'vitest';
import { ServiceDocumentMissing, serviceDocument } from './generate.ts';

test('when a routed app has no openapi-document export, then the error names the app and the missing export in one line', async () => {
  // The worker is a real app without one: the gateway does not route to it.
  const error = await serviceDocument('worker').catch((caught: unknown) => caught);

  expect(error).toBeInstanceOf(ServiceDocumentMissing);
  const { message } = error as Error;
  expect(message).toContain('@groundwork/worker has no "./openapi-document" export');
  expect(message).toContain('apps/worker/package.json');
  expect(message).not.toContain('\n');
});
