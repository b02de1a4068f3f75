import { describe, expect, it } from 'vitest';

import { type AudioFrame, type ServerEvent, decodeFrame, encodeFrame } from '../src/protocol';
import { RealtimeSession, type SocketLike, realtimeUrl } from '../src/session';

class FakeSocket implements SocketLike {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  sent: (string | ArrayBuffer)[] = [];
  closed: { code?: number; reason?: string } | null = null;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string | ArrayBuffer): void {
    this.sent.push(data);
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  deliver(data: string | ArrayBuffer): void {
    this.onmessage?.({ data } as MessageEvent);
  }
}

function connect() {
  let socket!: FakeSocket;
  const events: ServerEvent[] = [];
  const audio: AudioFrame[] = [];
  const problems: string[] = [];
  let clock = 1000;
  const session = new RealtimeSession(
    'ws://x/v1/realtime',
    {
      onOpen: () => undefined,
      onEvent: (e) => events.push(e),
      onAudio: (f) => audio.push(f),
      onClose: () => undefined,
      onProblem: (m) => problems.push(m),
    },
    (url) => (socket = new FakeSocket(url)),
    () => clock,
  );
  return { session, socket, events, audio, problems, tick: (ms: number) => (clock += ms) };
}

describe('RealtimeSession', () => {
  it('builds the realtime URL from the page location', () => {
    expect(realtimeUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/v1/realtime');
    expect(realtimeUrl({ protocol: 'https:', host: 'box.lan' })).toBe('wss://box.lan/v1/realtime');
  });

  it('sends nothing before the socket is open, then LVA1 frames with a rising seq', () => {
    const { session, socket } = connect();
    expect(socket.binaryType).toBe('arraybuffer');
    session.sendAudio(new Int16Array(320), 0);
    expect(socket.sent).toHaveLength(0);
    socket.open();
    session.sendAudio(new Int16Array(320).fill(5), 0);
    session.sendAudio(new Int16Array(320).fill(6), 20);
    session.send({ type: 'input_audio_buffer.commit' });
    expect(socket.sent).toHaveLength(3);
    const first = decodeFrame(socket.sent[0] as ArrayBuffer);
    const second = decodeFrame(socket.sent[1] as ArrayBuffer);
    expect([first.turnId, first.seq, first.timestampMs, first.samples[0]]).toEqual([0, 0, 0, 5]);
    expect([second.seq, second.timestampMs, second.samples.length]).toEqual([1, 20, 320]);
    expect(JSON.parse(socket.sent[2] as string)).toEqual({ type: 'input_audio_buffer.commit' });
    expect(session.framesSent).toBe(2);
  });

  it('delivers events and audio frames, and reports what it cannot use without failing', () => {
    const { socket, events, audio, problems } = connect();
    socket.open();
    socket.deliver('{"type":"agent.state","state":"speaking","turn_id":1}');
    socket.deliver(encodeFrame({ turnId: 1, seq: 0, timestampMs: 0, samples: new Int16Array(480) }));
    socket.deliver('garbage');
    socket.deliver(new ArrayBuffer(3));
    expect(events).toEqual([{ type: 'agent.state', state: 'speaking', turn_id: 1 }]);
    expect(audio).toHaveLength(1);
    expect(audio[0].samples.length).toBe(480);
    expect(problems).toHaveLength(2);
  });

  it('measures a round trip through the error echo of an unknown event', async () => {
    const { session, socket, events, tick } = connect();
    socket.open();
    const rtt = session.ping();
    const sent = JSON.parse(socket.sent[0] as string);
    expect(sent.event_id).toMatch(/^ping-/);
    tick(7);
    socket.deliver(
      JSON.stringify({ type: 'error', error: { code: 'unknown_event', message: 'x', event_id: sent.event_id } }),
    );
    await expect(rtt).resolves.toBe(7);
    expect(events).toHaveLength(0); // the echo is not shown as an error
  });
});
