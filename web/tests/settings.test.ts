import { describe, expect, it } from 'vitest';

import {
  STORAGE_KEY,
  defaultSettings,
  loadSettings,
  parseSettings,
  saveSettings,
  sessionUpdate,
} from '../src/settings';

describe('settings', () => {
  it('survives a round trip through storage', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    const settings = {
      ...defaultSettings(),
      instructions: 'Be brief.',
      mode: 'push-to-talk' as const,
      echoCancellation: false,
    };
    settings.turnDetection = { silence_duration_ms: 700, interrupt_response: false };
    saveSettings(storage, settings);
    expect(store.has(STORAGE_KEY)).toBe(true);
    expect(loadSettings(storage)).toEqual(settings);
  });

  it('falls back to defaults for corrupt or ill-typed entries', () => {
    expect(parseSettings('{not json')).toEqual(defaultSettings());
    expect(parseSettings('"text"')).toEqual(defaultSettings());
    const parsed = parseSettings(
      JSON.stringify({
        mode: 'shout',
        voice: 3,
        turnDetection: { min_speech_ms: -5, max_wait_ms: 'x', silence_duration_ms: 612.4 },
      }),
    );
    expect(parsed.mode).toBe('hands-free');
    expect(parsed.voice).toBe('');
    expect(parsed.turnDetection).toEqual({ silence_duration_ms: 612 });
    const throwing = {
      getItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadSettings(throwing)).toEqual(defaultSettings());
  });

  it('sends only what the user changed in session.update', () => {
    expect(sessionUpdate(defaultSettings(), 16000)).toEqual({
      type: 'session.update',
      event_id: 'settings',
      session: { input_audio_format: { sample_rate_hz: 16000 } },
    });
    const custom = {
      ...defaultSettings(),
      instructions: '  Speak French. ',
      voice: 'kal16',
      turnDetection: { min_interruption_ms: 300 },
    };
    expect(sessionUpdate(custom, 16000).type === 'session.update' && sessionUpdate(custom, 16000)).toMatchObject({
      session: { instructions: 'Speak French.', voice: 'kal16', turn_detection: { min_interruption_ms: 300 } },
    });
  });
});
