import { defineErrors } from '@groundwork/errors';

/** Every failure the worker reports, with codes that dead letters, dashboards and runbooks show. */
export const workerErrors = defineErrors({
  WORKER_NOTIFICATION_DELIVERY_FAILED: {
    kind: 'unavailable',
    title: 'The notification channel did not accept the notification; it will be retried',
  },
  WORKER_NOTIFICATION_REJECTED: {
    kind: 'invalid',
    title: 'The notification channel refused the notification; retrying cannot help',
  },
});
