// Messages between the main thread and the capture and playback worklets.

export const CAPTURE_PROCESSOR = 'lv-capture';
export const PLAYBACK_PROCESSOR = 'lv-playback';

export interface CaptureOptions {
  targetRateHz: number;
  frameMs: number;
}

// capture worklet -> main
export type CaptureMessage =
  | { type: 'frame'; samples: Int16Array; endTime: number } // endTime: AudioContext time of its last sample
  | { type: 'level'; rms: number; peak: number };

// main -> playback worklet
export type PlaybackCommand =
  | { type: 'frame'; turnId: number; seq: number; samples: Float32Array }
  | { type: 'flush'; turnId: number; requestId: number }
  | { type: 'allow'; turnId: number }
  | { type: 'mark'; turnId: number; seq: number }; // say when this frame starts playing

// playback worklet -> main
export type PlaybackMessage =
  | { type: 'started'; turnId: number; seq: number; time: number; waitedMs: number } // waitedMs: first queued frame -> start, audio clock
  | { type: 'reached'; turnId: number; seq: number }
  | { type: 'playout'; turnId: number; seq: number }
  | { type: 'drained'; turnId: number }
  | { type: 'flushed'; requestId: number; droppedSamples: number }
  | { type: 'stats'; underruns: number; samplesPlayed: number; bufferedMs: number; peak: number };
