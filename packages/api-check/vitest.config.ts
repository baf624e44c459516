export { default } from '@groundwork/vitest-config';
