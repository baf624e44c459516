import { describe, expect, test } from 'vitest';
import { KEPT_HEADING, keptSections } from './write-doc.ts';

describe('keptSections', () => {
  test('when the doc has the hand-written telemetry section, then it is kept from its heading to the end', () => {
    const hand = `${KEPT_HEADING}\n\nProfiles say...\n\n## Start-up\n\nhyperfine...\n`;
    const doc = `# Benchmarks\n\n## Results\n\n| a | b |\n\n${hand}`;

    expect(keptSections(doc)).toBe(hand);
  });

  test('when the doc has no hand-written section, then nothing is kept', () => {
    expect(keptSections('# Benchmarks\n\n## Results\n')).toBe('');
  });
});
