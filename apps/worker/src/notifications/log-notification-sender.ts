import type { Logger } from '@groundwork/logger';
import type { NotificationSender } from './notification-sender.ts';

/**
 * The default channel: one log line per notification, for development and for deployments
 * that read notifications from the `notifications` table.
 */
export function createLogNotificationSender(logger: Logger): NotificationSender {
  return {
    channel: 'log',
    async send(notification) {
      logger.info(
        {
          notificationId: notification.id,
          orgId: notification.orgId,
          kind: notification.kind,
          recipient: notification.recipient,
          subject: notification.subject,
        },
        'notification sent',
      );
    },
  };
}
