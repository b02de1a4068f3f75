// Reply audio output: an AudioContext at the reply rate, the playback worklet (jitter buffer) and an
// analyser on its output, which drives the agent's level meter and lets tests measure what was played.

import playbackWorkletUrl from './playback.worklet.ts?worker&url';
import { pcm16ToFloat } from './protocol';
import { Resampler } from './resampler';
import { PLAYBACK_PROCESSOR, type PlaybackCommand, type PlaybackMessage } from './worklet-messages';

export interface PlaybackHandlers {
  onStarted(turnId: number, seq: number): void;
  onReached(turnId: number, seq: number): void;
  onPlayout(turnId: number, seq: number): void;
  onDrained(turnId: number): void;
}

// Measured by the page itself; read by the end-to-end test and the browser benchmark.
export interface PlaybackStats {
  framesQueued: number;
  starts: number;
  underruns: number;
  samplesPlayed: number;
  workletPeak: number; // loudest sample the worklet produced
  analyserPeak: number; // loudest sample seen at the output (AnalyserNode)
  analyserRms: number; // current output level
  firstFrameToStartMs: number[]; // per start: first frame handed over -> worklet says playing (main thread)
  startWaitMs: number[]; // per start: first frame queued in the worklet -> its first sample played (audio clock)
  flushToSilentMs: number[]; // per flush: request -> worklet says silent
  flushToQuietMs: number[]; // per flush: request -> the analyser at the output reads silence (30 ms polls)
  outputLatencyMs: number; // what the browser adds after the worklet (base + output latency)
}

export class Playback {
  readonly stats: PlaybackStats = {
    framesQueued: 0,
    starts: 0,
    underruns: 0,
    samplesPlayed: 0,
    workletPeak: 0,
    analyserPeak: 0,
    analyserRms: 0,
    firstFrameToStartMs: [],
    startWaitMs: [],
    flushToSilentMs: [],
    flushToQuietMs: [],
    outputLatencyMs: 0,
  };
  private resampler: Resampler | null = null;
  private waitingSince: number | null = null; // when the first frame of a not-yet-started run was queued
  private playing = false;
  private quietWatchSince: number | null = null; // a flush waiting for the output to go quiet
  private nextFlush = 0;
  private readonly flushes = new Map<number, { sentAt: number; resolve: (ms: number) => void }>();
  private readonly scratch: Float32Array<ArrayBuffer>;
  private meterTimer = 0;

  private constructor(
    private readonly context: AudioContext,
    private readonly node: AudioWorkletNode,
    private readonly analyser: AnalyserNode,
    private readonly handlers: PlaybackHandlers,
  ) {
    this.scratch = new Float32Array(analyser.fftSize);
    node.port.onmessage = (event: MessageEvent<PlaybackMessage>) => this.receive(event.data);
    // Sampled on a timer rather than per animation frame so it also runs when the page is hidden.
    this.meterTimer = window.setInterval(() => this.sampleOutput(), 30);
  }

  static async create(outputRateHz: number, handlers: PlaybackHandlers): Promise<Playback> {
    let context: AudioContext;
    try {
      context = new AudioContext({ sampleRate: outputRateHz, latencyHint: 'interactive' });
    } catch {
      // Some browsers refuse uncommon rates: play at the device rate and resample here.
      context = new AudioContext({ latencyHint: 'interactive' });
    }
    await context.audioWorklet.addModule(playbackWorkletUrl);
    const node = new AudioWorkletNode(context, PLAYBACK_PROCESSOR, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
    });
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    node.connect(analyser);
    analyser.connect(context.destination);
    if (context.state !== 'running') {
      await context.resume().catch(() => undefined);
    }
    const playback = new Playback(context, node, analyser, handlers);
    playback.setInputRate(outputRateHz);
    playback.stats.outputLatencyMs = ((context.baseLatency ?? 0) + (context.outputLatency ?? 0)) * 1000;
    return playback;
  }

  get sampleRateHz(): number {
    return this.context.sampleRate;
  }

  // The rate of the frames the server sends (session.output_audio_format).
  setInputRate(rateHz: number): void {
    this.resampler = rateHz === this.context.sampleRate ? null : new Resampler(rateHz, this.context.sampleRate);
  }

  async resume(): Promise<void> {
    if (this.context.state !== 'running') {
      await this.context.resume().catch(() => undefined);
    }
  }

  push(turnId: number, seq: number, samples: Int16Array): void {
    let floats = pcm16ToFloat(samples);
    if (this.resampler) {
      floats = this.resampler.process(floats);
    }
    if (this.waitingSince === null && !this.playing) {
      this.waitingSince = performance.now();
    }
    this.stats.framesQueued++;
    this.post({ type: 'frame', turnId, seq, samples: floats }, [floats.buffer]);
  }

  // Frames of `turnId` play again after a flush (the reply resumes after a false interruption).
  allow(turnId: number): void {
    this.post({ type: 'allow', turnId });
  }

  mark(turnId: number, seq: number): void {
    this.post({ type: 'mark', turnId, seq });
  }

  // Drops everything of `turnId` (and earlier) and resolves once the output is silent, with the time it took.
  flush(turnId: number): Promise<number> {
    const requestId = this.nextFlush++;
    this.waitingSince = null;
    this.playing = false;
    this.quietWatchSince ??= performance.now();
    return new Promise((resolve) => {
      this.flushes.set(requestId, { sentAt: performance.now(), resolve });
      this.post({ type: 'flush', turnId, requestId });
    });
  }

  level(): number {
    return this.stats.analyserRms;
  }

  close(): void {
    window.clearInterval(this.meterTimer);
    this.node.port.onmessage = null;
    this.node.disconnect();
    void this.context.close();
  }

  private post(command: PlaybackCommand, transfer: Transferable[] = []): void {
    this.node.port.postMessage(command, transfer);
  }

  private sampleOutput(): void {
    this.analyser.getFloatTimeDomainData(this.scratch);
    let sum = 0;
    let peak = 0;
    for (const s of this.scratch) {
      sum += s * s;
      peak = Math.max(peak, Math.abs(s));
    }
    this.stats.analyserRms = Math.sqrt(sum / this.scratch.length);
    if (this.quietWatchSince !== null && peak < 1e-4) {
      this.stats.flushToQuietMs.push(performance.now() - this.quietWatchSince);
      this.quietWatchSince = null;
    }
    this.stats.analyserPeak = Math.max(this.stats.analyserPeak, peak);
  }

  private receive(message: PlaybackMessage): void {
    switch (message.type) {
      case 'started':
        this.quietWatchSince = null; // the next reply started before a poll saw the gap
        this.playing = true;
        this.stats.starts++;
        this.stats.startWaitMs.push(message.waitedMs);
        if (this.waitingSince !== null) {
          this.stats.firstFrameToStartMs.push(performance.now() - this.waitingSince);
          this.waitingSince = null;
        }
        this.handlers.onStarted(message.turnId, message.seq);
        break;
      case 'reached':
        this.handlers.onReached(message.turnId, message.seq);
        break;
      case 'playout':
        this.handlers.onPlayout(message.turnId, message.seq);
        break;
      case 'drained':
        this.playing = false;
        this.waitingSince = null;
        this.handlers.onDrained(message.turnId);
        break;
      case 'flushed': {
        const flush = this.flushes.get(message.requestId);
        if (flush) {
          this.flushes.delete(message.requestId);
          const ms = performance.now() - flush.sentAt;
          this.stats.flushToSilentMs.push(ms);
          flush.resolve(ms);
        }
        break;
      }
      case 'stats':
        this.stats.underruns = message.underruns;
        this.stats.samplesPlayed = message.samplesPlayed;
        this.stats.workletPeak = Math.max(this.stats.workletPeak, message.peak);
        break;
    }
  }
}
