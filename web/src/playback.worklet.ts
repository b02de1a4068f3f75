// Playback processor (audio thread): plays reply frames through the jitter buffer, flushes at once on
// request, and reports start, sentence marks and playout progress to the main thread.

import { JitterBuffer } from './jitter-buffer';
import { PLAYBACK_PROCESSOR, type PlaybackCommand, type PlaybackMessage } from './worklet-messages';

const STATS_EVERY_S = 0.1;

class PlaybackProcessor extends AudioWorkletProcessor {
  private readonly buffer = new JitterBuffer({
    sampleRateHz: sampleRate,
    startThresholdMs: 40,
    maxStartWaitMs: 20,
    playoutReportMs: 100,
  });
  private marks: { turnId: number; seq: number }[] = [];
  private lastStarted: { turnId: number; seq: number } | null = null;
  private wasPlaying = false;
  private firstQueuedAt: number | null = null; // audio-clock time the first frame of a pending start arrived
  private peak = 0;
  private sinceStats = 0;

  constructor(options?: unknown) {
    super(options);
    this.port.onmessage = (event: MessageEvent<PlaybackCommand>) => this.handle(event.data);
  }

  private handle(command: PlaybackCommand): void {
    switch (command.type) {
      case 'frame':
        if (
          this.buffer.push(command.turnId, command.seq, command.samples) &&
          !this.buffer.isPlaying &&
          this.firstQueuedAt === null
        ) {
          this.firstQueuedAt = currentTime;
        }
        break;
      case 'flush': {
        const droppedSamples = this.buffer.flush(command.turnId);
        if (!this.buffer.isPlaying && this.buffer.bufferedMs === 0) this.firstQueuedAt = null;
        this.marks = this.marks.filter((mark) => mark.turnId > command.turnId);
        // Answered from the next process() call, i.e. once the output is really silent.
        this.pendingFlushes.push({ requestId: command.requestId, droppedSamples });
        break;
      }
      case 'allow':
        this.buffer.allow(command.turnId);
        break;
      case 'mark': {
        const started = this.lastStarted;
        if (started && started.turnId === command.turnId && started.seq >= command.seq) {
          this.post({ type: 'reached', turnId: command.turnId, seq: command.seq });
        } else {
          this.marks.push({ turnId: command.turnId, seq: command.seq });
        }
        break;
      }
    }
  }

  private pendingFlushes: { requestId: number; droppedSamples: number }[] = [];

  private post(message: PlaybackMessage): void {
    this.port.postMessage(message);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const output = outputs[0];
    if (!output || output.length === 0) {
      return true;
    }
    const channel = output[0];
    const result = this.buffer.pull(channel);
    for (let c = 1; c < output.length; c++) {
      output[c].set(channel);
    }
    if (result.reached.length > 0) {
      const first = result.reached[0];
      const last = result.reached[result.reached.length - 1];
      this.lastStarted = last;
      const due = this.marks.filter(
        (mark) => mark.turnId < last.turnId || (mark.turnId === last.turnId && mark.seq <= last.seq),
      );
      this.marks = this.marks.filter((mark) => !due.includes(mark));
      for (const mark of due) {
        this.post({ type: 'reached', turnId: mark.turnId, seq: mark.seq });
      }
      if (result.started) {
        const waitedMs = this.firstQueuedAt === null ? 0 : (currentTime - this.firstQueuedAt) * 1000;
        this.firstQueuedAt = null;
        this.post({ type: 'started', turnId: first.turnId, seq: first.seq, time: currentTime, waitedMs });
      }
    }
    if (result.playout) {
      this.post({ type: 'playout', turnId: result.playout.turnId, seq: result.playout.seq });
    }
    if (this.wasPlaying && !this.buffer.isPlaying && this.buffer.bufferedMs === 0) {
      this.post({ type: 'drained', turnId: this.buffer.lastPlayedFrame?.turnId ?? 0 });
    }
    this.wasPlaying = this.buffer.isPlaying;
    for (const flush of this.pendingFlushes) {
      this.post({ type: 'flushed', ...flush });
    }
    this.pendingFlushes = [];
    for (let i = 0; i < channel.length; i++) {
      this.peak = Math.max(this.peak, Math.abs(channel[i]));
    }
    this.sinceStats += channel.length;
    if (this.sinceStats >= STATS_EVERY_S * sampleRate) {
      this.post({
        type: 'stats',
        underruns: this.buffer.underruns,
        samplesPlayed: this.buffer.samplesPlayed,
        bufferedMs: this.buffer.bufferedMs,
        peak: this.peak,
      });
      this.peak = 0;
      this.sinceStats = 0;
    }
    return true;
  }
}

registerProcessor(PLAYBACK_PROCESSOR, PlaybackProcessor);
