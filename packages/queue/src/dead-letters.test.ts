import { describe, expect, test } from 'vitest';
import { deadLetterJobId, deadLetterQueueName } from './dead-letters.ts';

describe('dead-letter naming', () => {
  test("when a queue is named, then its dead letters live in '<queue>.dlq'", () => {
    expect(deadLetterQueueName('notifications')).toBe('notifications.dlq');
  });

  test('when a job id is a valid BullMQ custom id, then the dead letter keeps it as is', () => {
    expect(deadLetterJobId('0b6f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4')).toBe(
      '0b6f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4',
    );
  });

  test('when a job id has a colon or is a number, then it is escaped into distinct valid ids', () => {
    const ids = ['repeat:expire-orders:1700000000000', '42', '#42', 'a%3Ab', 'a:b'];
    const escaped = ids.map(deadLetterJobId);
    expect(new Set(escaped).size).toBe(ids.length);
    expect(escaped).toEqual([
      'repeat%3Aexpire-orders%3A1700000000000',
      '#42',
      '%2342',
      'a%253Ab',
      'a%3Ab',
    ]);
  });
});
