import { describe, expect, it } from 'vitest';

import { stagesOf, totalMs } from '../../src/ui/latency-chart';

describe('latency breakdown', () => {
  it('splits end-to-end time into stages that add up to it', () => {
    const metrics = {
      stt_ms: 150,
      retrieval_ms: 20,
      llm_first_token_ms: 300,
      first_sentence_ms: 450,
      tts_first_audio_ms: 80,
      end_to_end_ms: 1100,
    };
    const stages = stagesOf(metrics);
    expect(stages.map((s) => [s.key, s.ms])).toEqual([
      ['stt', 150],
      ['retrieval', 20],
      ['llm', 300],
      ['sentence', 150],
      ['tts', 80],
      ['other', 400],
    ]);
    expect(stages.reduce((sum, s) => sum + s.ms, 0)).toBe(totalMs(metrics));
  });

  it('leaves out stages that did not run', () => {
    const stages = stagesOf({
      stt_ms: 100,
      retrieval_ms: -1,
      llm_first_token_ms: -1,
      first_sentence_ms: -1,
      tts_first_audio_ms: 40,
      end_to_end_ms: 140,
    });
    expect(stages.map((s) => s.key)).toEqual(['stt', 'tts']);
    expect(totalMs({ stt_ms: 10, tts_first_audio_ms: 5 })).toBe(15);
  });
});
