import { describe, expect, it } from 'vitest';

import { describeDegraded, isOptionalAbsence } from '../src/degraded';

describe('degraded notes', () => {
  it('turns engine notes into readable lines and keeps other text', () => {
    expect(describeDegraded('llm: absent - none configured')).toBe('Language model: not installed (none configured)');
    expect(describeDegraded('tts: failed - voice file missing; run: localvoice models pull piper:x')).toBe(
      'Spoken replies: failed (voice file missing; run: localvoice models pull piper:x)',
    );
    expect(describeDegraded('stt: degraded')).toBe('Speech recognition: limited');
    const free =
      'llm: no language model installed - answers come from your documents only; run: localvoice models pull';
    expect(describeDegraded(free)).toBe(free);
    expect(describeDegraded('engines are still loading; try again in a moment')).toBe(
      'engines are still loading; try again in a moment',
    );
  });

  it('recognizes an optional engine that is simply not configured', () => {
    expect(isOptionalAbsence('embeddings: absent - none configured')).toBe(true);
    expect(isOptionalAbsence('llm: absent - none configured')).toBe(false);
  });
});
