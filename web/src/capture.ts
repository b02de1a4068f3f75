// The microphone: getUserMedia with the chosen processing, the capture worklet, and readable reasons when
// the browser refuses.

import captureWorkletUrl from './capture.worklet.ts?worker&url';
import { CAPTURE_PROCESSOR, type CaptureMessage, type CaptureOptions } from './worklet-messages';

export interface MicProcessing {
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
}

export interface CaptureHandlers {
  onFrame(samples: Int16Array, endTime: number): void;
  onLevel(rms: number, peak: number): void;
}

// Why the microphone cannot be used here, or null when it can be tried.
export function microphoneUnavailableReason(env: {
  isSecureContext: boolean;
  hasMediaDevices: boolean;
}): string | null {
  if (!env.isSecureContext) {
    return (
      'The microphone only works on a secure page. Open LocalVoice at http://localhost:PORT or ' +
      'http://127.0.0.1:PORT on this machine, or serve it over HTTPS. You can still type below.'
    );
  }
  if (!env.hasMediaDevices) {
    return 'This browser has no microphone support (navigator.mediaDevices is missing). You can still type below.';
  }
  return null;
}

// A readable message (with the fix) for a getUserMedia failure.
export function microphoneErrorMessage(error: unknown): string {
  const name = (error as { name?: string } | null)?.name ?? '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return (
        'Microphone access was denied. Allow the microphone for this page (the icon at the left of the ' +
        'address bar, or the browser’s site settings), then press Start again. You can still type below.'
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Connect one (or pick it in the system sound settings) and press Start again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone is busy or failed to start. Close other programs using it and press Start again.';
    default:
      return `The microphone could not be opened (${(error as Error)?.message ?? String(error)}). Press Start to retry.`;
  }
}

export class Capture {
  private constructor(
    private readonly context: AudioContext,
    private readonly stream: MediaStream,
    private readonly node: AudioWorkletNode,
  ) {}

  static async open(
    processing: MicProcessing,
    targetRateHz: number,
    frameMs: number,
    handlers: CaptureHandlers,
  ): Promise<Capture> {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        channelCount: 1,
        echoCancellation: processing.echoCancellation,
        noiseSuppression: processing.noiseSuppression,
        autoGainControl: processing.autoGainControl,
      },
    });
    const context = new AudioContext({ latencyHint: 'interactive' });
    try {
      await context.audioWorklet.addModule(captureWorkletUrl);
      const options: CaptureOptions = { targetRateHz, frameMs };
      const node = new AudioWorkletNode(context, CAPTURE_PROCESSOR, {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        channelCount: 1,
        channelCountMode: 'explicit',
        processorOptions: options,
      });
      node.port.onmessage = (event: MessageEvent<CaptureMessage>) => {
        const message = event.data;
        if (message.type === 'frame') {
          handlers.onFrame(message.samples, message.endTime);
        } else {
          handlers.onLevel(message.rms, message.peak);
        }
      };
      context.createMediaStreamSource(stream).connect(node);
      if (context.state !== 'running') {
        await context.resume();
      }
      return new Capture(context, stream, node);
    } catch (error) {
      stream.getTracks().forEach((track) => track.stop());
      void context.close();
      throw error;
    }
  }

  get currentTime(): number {
    return this.context.currentTime;
  }

  get sampleRateHz(): number {
    return this.context.sampleRate;
  }

  close(): void {
    this.node.port.onmessage = null;
    this.node.disconnect();
    this.stream.getTracks().forEach((track) => track.stop());
    void this.context.close();
  }
}
