// The WebSocket client of one realtime session: JSON events both ways, LVA1 audio frames both ways.

import {
  type AudioFrame,
  type ClientEvent,
  type ServerEvent,
  decodeFrame,
  encodeFrame,
  parseServerEvent,
} from './protocol';

export interface SessionHandlers {
  onOpen(): void;
  onEvent(event: ServerEvent): void;
  onAudio(frame: AudioFrame): void;
  onClose(code: number, reason: string): void;
  onProblem(message: string): void; // a message the client could not use (logged, never fatal)
}

// The subset of WebSocket the session uses, so tests can pass a fake.
export interface SocketLike {
  binaryType: BinaryType;
  readyState: number;
  send(data: string | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

const OPEN = 1;

export function realtimeUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/v1/realtime`;
}

export class RealtimeSession {
  private readonly socket: SocketLike;
  private nextSeq = 0;
  private nextEventId = 0;
  private readonly pings = new Map<string, { sentAt: number; resolve: (rttMs: number) => void }>();
  framesSent = 0;
  framesReceived = 0;

  constructor(
    url: string,
    private readonly handlers: SessionHandlers,
    factory: SocketFactory = (u) => new WebSocket(u) as SocketLike,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.socket = factory(url);
    this.socket.binaryType = 'arraybuffer';
    this.socket.onopen = () => this.handlers.onOpen();
    this.socket.onclose = (event) => this.handlers.onClose(event.code, event.reason);
    this.socket.onerror = () => undefined; // onclose follows with the code
    this.socket.onmessage = (event) => this.receive(event.data);
  }

  get isOpen(): boolean {
    return this.socket.readyState === OPEN;
  }

  send(event: ClientEvent): void {
    if (this.isOpen) {
      this.socket.send(JSON.stringify(event));
    }
  }

  // One 20 ms frame of microphone audio; `timestampMs` is its capture time since the first frame.
  sendAudio(samples: Int16Array, timestampMs: number): void {
    if (!this.isOpen) {
      return;
    }
    this.socket.send(encodeFrame({ turnId: 0, seq: this.nextSeq++, timestampMs, samples }));
    this.framesSent++;
  }

  // Round trip through the server: an event it does not know comes back as an error echoing its event_id.
  ping(): Promise<number> {
    const eventId = `ping-${this.nextEventId++}`;
    return new Promise((resolve) => {
      this.pings.set(eventId, { sentAt: this.now(), resolve });
      if (this.isOpen) {
        this.socket.send(JSON.stringify({ type: 'localvoice.ping', event_id: eventId }));
      }
    });
  }

  close(): void {
    this.socket.close(1000, 'conversation ended');
  }

  private receive(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      try {
        const frame = decodeFrame(data);
        this.framesReceived++;
        this.handlers.onAudio(frame);
      } catch (error) {
        this.handlers.onProblem((error as Error).message);
      }
      return;
    }
    if (typeof data !== 'string') {
      return;
    }
    const event = parseServerEvent(data);
    if (!event) {
      this.handlers.onProblem('the server sent a message that is not a JSON event');
      return;
    }
    if (event.type === 'error' && event.error?.event_id && this.pings.has(event.error.event_id)) {
      const ping = this.pings.get(event.error.event_id)!;
      this.pings.delete(event.error.event_id);
      ping.resolve(this.now() - ping.sentAt);
      return;
    }
    this.handlers.onEvent(event);
  }
}
