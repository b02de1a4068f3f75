// The /v1/realtime wire contract (docs/protocol.md): event shapes and the LVA1 binary audio frame.

export const PROTOCOL_VERSION = 1;
export const INPUT_SAMPLE_RATE_HZ = 16000;
export const OUTPUT_SAMPLE_RATE_HZ = 24000;
export const FRAME_MS = 20;
export const LVA1_HEADER_BYTES = 16;
const LVA1_MAGIC = [0x4c, 0x56, 0x41, 0x31]; // "LVA1"

export type AgentState = 'idle' | 'listening' | 'user_speaking' | 'thinking' | 'speaking';
export type ReplyStatus = 'completed' | 'interrupted' | 'failed';

export interface EngineNote {
  kind: string;
  url: string;
  state: string;
  detail: string;
  summary?: string; // short and human: "not installed", "basic (the Silero model is not installed)"
}

export interface TurnDetection {
  min_speech_ms?: number;
  silence_duration_ms?: number;
  max_wait_ms?: number;
  min_interruption_ms?: number;
  false_interruption_timeout_ms?: number;
  interrupt_response?: boolean;
}

export interface SessionInfo {
  id?: string;
  protocol?: number;
  version?: string;
  engines?: EngineNote[];
  degraded?: string[];
  input_audio_format?: { sample_rate_hz?: number };
  output_audio_format?: { sample_rate_hz?: number };
  turn_detection?: TurnDetection;
  instructions?: string;
  voice?: string;
}

export interface Citation {
  source: string;
  heading?: string;
  snippet?: string;
  score?: number;
}

export interface TurnMetrics {
  end_of_turn_silence_ms?: number;
  stt_ms?: number;
  // The part of stt_ms left after the end-of-turn silence: what the user waits for the transcript.
  stt_wait_ms?: number;
  retrieval_ms?: number;
  llm_first_token_ms?: number;
  first_sentence_ms?: number;
  tts_first_audio_ms?: number;
  end_to_end_ms?: number;
  user_audio_ms?: number;
  reply_audio_ms?: number;
  prompt_tokens?: number;
  completion_tokens?: number;
  reply_chars?: number;
  interrupted?: boolean;
  stt_engine?: string;
  llm_engine?: string;
  tts_engine?: string;
}

export interface ErrorInfo {
  code: string;
  message: string;
  fix?: string;
  event_id?: string;
  turn_id?: number;
}

export type ServerEvent =
  | { type: 'session.created' | 'session.updated'; session: SessionInfo }
  | { type: 'agent.state'; state: AgentState; turn_id?: number }
  | { type: 'input_audio_buffer.speech_started'; turn_id: number; audio_start_ms?: number }
  | { type: 'input_audio_buffer.speech_stopped'; turn_id: number; audio_end_ms?: number }
  | { type: 'conversation.item.input_audio_transcription.delta'; turn_id: number; transcript: string }
  | { type: 'conversation.item.input_audio_transcription.completed'; turn_id: number; transcript: string }
  | { type: 'response.created'; turn_id: number }
  | { type: 'response.text.delta'; turn_id: number; delta: string }
  | { type: 'response.audio_transcript.delta'; turn_id: number; index: number; delta: string; first_seq: number }
  | { type: 'response.citations'; turn_id: number; citations: Citation[] }
  | { type: 'output_audio_buffer.cleared'; turn_id: number }
  | {
      type: 'response.done';
      turn_id: number;
      response: { status: ReplyStatus; text?: string; generated_text?: string };
    }
  | { type: 'turn.metrics'; turn_id: number; metrics: TurnMetrics }
  // Downloaded models were swapped in on the server: sessions opened from now on use them.
  | { type: 'engines.updated'; engines?: EngineNote[]; message?: string }
  | { type: 'error'; error: ErrorInfo };

export type ClientEvent =
  | {
      type: 'session.update';
      event_id?: string;
      session: {
        instructions?: string;
        voice?: string;
        input_audio_format?: { sample_rate_hz: number };
        output_audio_format?: { sample_rate_hz: number };
        turn_detection?: TurnDetection;
      };
    }
  | { type: 'input_audio_buffer.commit'; event_id?: string }
  | {
      type: 'conversation.item.create';
      event_id?: string;
      item: { type: 'message'; role: 'user'; content: { type: 'input_text'; text: string }[] };
    }
  | { type: 'response.cancel'; event_id?: string }
  | { type: 'output_audio.playout'; turn_id: number; seq: number; event_id?: string };

// Parses one text message; returns null for anything that is not an object with a string `type`, so a
// malformed or unknown message never breaks the client.
export function parseServerEvent(text: string): ServerEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
    return null;
  }
  return value as ServerEvent;
}

export function textMessage(text: string): ClientEvent {
  return {
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  };
}

export interface AudioFrame {
  turnId: number;
  seq: number;
  timestampMs: number;
  samples: Int16Array;
}

// Header + little-endian PCM16, as one ArrayBuffer ready for WebSocket.send.
export function encodeFrame(frame: AudioFrame): ArrayBuffer {
  const buffer = new ArrayBuffer(LVA1_HEADER_BYTES + frame.samples.length * 2);
  const view = new DataView(buffer);
  LVA1_MAGIC.forEach((byte, i) => view.setUint8(i, byte));
  view.setUint32(4, frame.turnId >>> 0, true);
  view.setUint32(8, frame.seq >>> 0, true);
  view.setUint32(12, Math.max(0, Math.round(frame.timestampMs)) >>> 0, true);
  for (let i = 0; i < frame.samples.length; i++) {
    view.setInt16(LVA1_HEADER_BYTES + i * 2, frame.samples[i], true);
  }
  return buffer;
}

// Throws with a readable message on a short buffer, bad magic or an odd byte count.
export function decodeFrame(buffer: ArrayBuffer): AudioFrame {
  if (buffer.byteLength < LVA1_HEADER_BYTES) {
    throw new Error(`audio frame of ${buffer.byteLength} bytes is shorter than the 16-byte LVA1 header`);
  }
  const view = new DataView(buffer);
  for (let i = 0; i < 4; i++) {
    if (view.getUint8(i) !== LVA1_MAGIC[i]) {
      throw new Error('audio frame does not start with the LVA1 magic');
    }
  }
  const payloadBytes = buffer.byteLength - LVA1_HEADER_BYTES;
  if (payloadBytes % 2 !== 0) {
    throw new Error(`audio frame payload of ${payloadBytes} bytes is not whole PCM16 samples`);
  }
  const samples = new Int16Array(payloadBytes / 2);
  for (let i = 0; i < samples.length; i++) {
    samples[i] = view.getInt16(LVA1_HEADER_BYTES + i * 2, true);
  }
  return {
    turnId: view.getUint32(4, true),
    seq: view.getUint32(8, true),
    timestampMs: view.getUint32(12, true),
    samples,
  };
}

export function floatToPcm16(input: Float32Array): Int16Array {
  const out = new Int16Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const s = Math.max(-1, Math.min(1, input[i]));
    out[i] = s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff);
  }
  return out;
}

export function pcm16ToFloat(input: Int16Array): Float32Array {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) {
    out[i] = input[i] / 0x8000;
  }
  return out;
}
