// User settings: kept in localStorage, turned into a session.update for the server.

import type { ClientEvent, TurnDetection } from './protocol';

export type InputMode = 'hands-free' | 'push-to-talk';

export interface Settings {
  instructions: string; // empty: the server's default system prompt
  voice: string; // empty: the engine's default voice
  mode: InputMode;
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
  turnDetection: TurnDetection; // only the thresholds the user changed
}

export const STORAGE_KEY = 'localvoice.settings.v1';

export function defaultSettings(): Settings {
  return {
    instructions: '',
    voice: '',
    mode: 'hands-free',
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
    turnDetection: {},
  };
}

const NUMBER_FIELDS = [
  'min_speech_ms',
  'silence_duration_ms',
  'max_wait_ms',
  'min_interruption_ms',
  'false_interruption_timeout_ms',
] as const;

// Reads stored settings, keeping only well-typed fields, so a corrupt or old entry never breaks the page.
export function parseSettings(stored: string | null): Settings {
  const settings = defaultSettings();
  if (!stored) {
    return settings;
  }
  let raw: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(stored);
    if (typeof value !== 'object' || value === null) {
      return settings;
    }
    raw = value as Record<string, unknown>;
  } catch {
    return settings;
  }
  if (typeof raw.instructions === 'string') settings.instructions = raw.instructions;
  if (typeof raw.voice === 'string') settings.voice = raw.voice;
  if (raw.mode === 'hands-free' || raw.mode === 'push-to-talk') settings.mode = raw.mode;
  for (const key of ['echoCancellation', 'noiseSuppression', 'autoGainControl'] as const) {
    if (typeof raw[key] === 'boolean') settings[key] = raw[key];
  }
  const td = raw.turnDetection;
  if (typeof td === 'object' && td !== null) {
    const source = td as Record<string, unknown>;
    for (const key of NUMBER_FIELDS) {
      const v = source[key];
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) settings.turnDetection[key] = Math.round(v);
    }
    if (typeof source.interrupt_response === 'boolean') {
      settings.turnDetection.interrupt_response = source.interrupt_response;
    }
  }
  return settings;
}

export function loadSettings(storage: Pick<Storage, 'getItem'> | null): Settings {
  try {
    return parseSettings(storage?.getItem(STORAGE_KEY) ?? null);
  } catch {
    return defaultSettings(); // storage disabled (private mode, file://)
  }
}

export function saveSettings(storage: Pick<Storage, 'setItem'> | null, settings: Settings): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(settings));
  } catch {
    // Storage full or disabled: the settings still apply to this page.
  }
}

// The session.update that applies `settings`; fields left at the server's defaults are not sent.
export function sessionUpdate(settings: Settings, inputRateHz: number): ClientEvent {
  const session: Extract<ClientEvent, { type: 'session.update' }>['session'] = {
    input_audio_format: { sample_rate_hz: inputRateHz },
  };
  if (settings.instructions.trim()) session.instructions = settings.instructions.trim();
  if (settings.voice.trim()) session.voice = settings.voice.trim();
  if (Object.keys(settings.turnDetection).length > 0) session.turn_detection = { ...settings.turnDetection };
  return { type: 'session.update', event_id: 'settings', session };
}
