import { describe, expect, it } from 'vitest';

import { decodeFrame, encodeFrame, floatToPcm16, parseServerEvent, pcm16ToFloat, textMessage } from '../src/protocol';

describe('LVA1 frames', () => {
  it('encodes the header little-endian in front of the samples', () => {
    const buffer = encodeFrame({ turnId: 7, seq: 0x01020304, timestampMs: 260, samples: Int16Array.of(1, -2, 32767) });
    const bytes = new Uint8Array(buffer);
    expect(buffer.byteLength).toBe(16 + 6);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('LVA1');
    expect([...bytes.subarray(4, 8)]).toEqual([7, 0, 0, 0]);
    expect([...bytes.subarray(8, 12)]).toEqual([4, 3, 2, 1]);
    expect([...bytes.subarray(12, 16)]).toEqual([4, 1, 0, 0]);
    expect([...bytes.subarray(16)]).toEqual([1, 0, 0xfe, 0xff, 0xff, 0x7f]);
  });

  it('decodes what it encodes', () => {
    const samples = Int16Array.from({ length: 480 }, (_, i) => ((i * 137) % 65536) - 32768);
    const frame = decodeFrame(encodeFrame({ turnId: 3, seq: 4000000000, timestampMs: 123456, samples }));
    expect(frame.turnId).toBe(3);
    expect(frame.seq).toBe(4000000000);
    expect(frame.timestampMs).toBe(123456);
    expect([...frame.samples]).toEqual([...samples]);
  });

  it('rejects short, foreign and odd-sized frames with a reason', () => {
    expect(() => decodeFrame(new ArrayBuffer(10))).toThrow(/shorter than the 16-byte/);
    const foreign = new Uint8Array(encodeFrame({ turnId: 0, seq: 0, timestampMs: 0, samples: new Int16Array(2) }));
    foreign[0] = 0x58;
    expect(() => decodeFrame(foreign.buffer)).toThrow(/magic/);
    const odd = new Uint8Array(19);
    odd.set(new TextEncoder().encode('LVA1'));
    expect(() => decodeFrame(odd.buffer)).toThrow(/not whole PCM16/);
  });

  it('converts floats to PCM16 with clipping and back', () => {
    expect([...floatToPcm16(Float32Array.of(0, 1, -1, 2, -2, 0.5))]).toEqual([0, 32767, -32768, 32767, -32768, 16384]);
    const back = pcm16ToFloat(Int16Array.of(-32768, 0, 16384));
    expect(back[0]).toBe(-1);
    expect(back[1]).toBe(0);
    expect(back[2]).toBeCloseTo(0.5, 4);
  });
});

describe('server events', () => {
  it('parses events and refuses what is not an event', () => {
    expect(parseServerEvent('{"type":"agent.state","state":"thinking","turn_id":2}')).toEqual({
      type: 'agent.state',
      state: 'thinking',
      turn_id: 2,
    });
    expect(parseServerEvent('not json')).toBeNull();
    expect(parseServerEvent('[1,2]')).toBeNull();
    expect(parseServerEvent('{"kind":"x"}')).toBeNull();
    expect(parseServerEvent('null')).toBeNull();
  });

  it('builds the typed-message event of the protocol', () => {
    expect(textMessage('hello')).toEqual({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
    });
  });
});
