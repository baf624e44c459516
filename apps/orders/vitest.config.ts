import { createRequire } from 'node:module';
import shared from '@groundwork/vitest-config';
import { mergeConfig } from 'vitest/config';

// graphql ships a CommonJS build (`main`) and an ESM one (`module`). Node ignores `module`, so in
// production everything, mercurius included, shares the CommonJS copy; Vite's resolver would hand
// tests the ESM copy as well, and graphql refuses types "from another module or realm". Resolve
// `graphql` the way Node does.
const require = createRequire(import.meta.url);

export default mergeConfig(shared, {
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
});
