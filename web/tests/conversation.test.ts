import { describe, expect, it } from 'vitest';

import { applyEvent, findTurn, markHeard, newConversation, recordTyped, replyView } from '../src/conversation';
import type { ServerEvent } from '../src/protocol';

const voiced: ServerEvent = {
  type: 'session.created',
  session: {
    id: 's1',
    protocol: 1,
    engines: [{ kind: 'tts', url: 'flite:slt', state: 'ready', detail: '' }],
    degraded: [],
  },
};

function play(events: ServerEvent[]) {
  const state = newConversation();
  for (const event of events) applyEvent(state, event);
  return state;
}

describe('conversation reducer', () => {
  it('follows a spoken turn from partial words to a reply heard in step with the voice', () => {
    const state = play([
      voiced,
      { type: 'agent.state', state: 'listening' },
      { type: 'input_audio_buffer.speech_started', turn_id: 1, audio_start_ms: 500 },
      { type: 'conversation.item.input_audio_transcription.delta', turn_id: 1, transcript: 'what' },
      { type: 'conversation.item.input_audio_transcription.delta', turn_id: 1, transcript: 'what time' },
    ]);
    const turn = findTurn(state, 1)!;
    expect(turn.userPartial).toBe('what time');
    expect(turn.userFinal).toBeNull();
    applyEvent(state, {
      type: 'conversation.item.input_audio_transcription.completed',
      turn_id: 1,
      transcript: 'what time is it',
    });
    expect(turn.userFinal).toBe('what time is it');
    expect(turn.userPartial).toBe('');
    applyEvent(state, { type: 'response.created', turn_id: 1 });
    applyEvent(state, { type: 'response.text.delta', turn_id: 1, delta: 'It is noon. ' });
    applyEvent(state, {
      type: 'response.audio_transcript.delta',
      turn_id: 1,
      index: 0,
      delta: 'It is noon.',
      first_seq: 0,
    });
    applyEvent(state, {
      type: 'response.audio_transcript.delta',
      turn_id: 1,
      index: 1,
      delta: 'Anything else?',
      first_seq: 40,
    });
    // Nothing is shown before its voice plays.
    expect(replyView(turn, true)).toMatchObject({ text: '', streaming: true });
    expect(markHeard(state, 1, 0)).toBe(true);
    expect(replyView(turn, true).text).toBe('It is noon.');
    expect(markHeard(state, 1, 39)).toBe(false);
    markHeard(state, 1, 41);
    expect(replyView(turn, true).text).toBe('It is noon. Anything else?');
    applyEvent(state, {
      type: 'response.done',
      turn_id: 1,
      response: { status: 'completed', text: 'It is noon. Anything else?' },
    });
    expect(replyView(turn, true)).toEqual({
      text: 'It is noon. Anything else?',
      cut: false,
      streaming: false,
      failed: false,
    });
  });

  it('shows an interrupted reply as heard and marks it cut', () => {
    const state = play([
      voiced,
      { type: 'response.created', turn_id: 2 },
      { type: 'response.audio_transcript.delta', turn_id: 2, index: 0, delta: 'The first sentence.', first_seq: 0 },
      { type: 'response.audio_transcript.delta', turn_id: 2, index: 1, delta: 'The second one.', first_seq: 50 },
      { type: 'output_audio_buffer.cleared', turn_id: 2 },
      {
        type: 'response.done',
        turn_id: 2,
        response: { status: 'interrupted', text: 'The first', generated_text: 'The first sentence. The second one.' },
      },
    ]);
    const view = replyView(findTurn(state, 2)!, true);
    expect(view).toMatchObject({ text: 'The first', cut: true, streaming: false });
  });

  it('streams generated text when the session has no voice', () => {
    const state = play([
      { type: 'session.created', session: { engines: [{ kind: 'tts', url: '', state: 'absent', detail: 'no TTS' }] } },
      { type: 'response.created', turn_id: 1 },
      { type: 'response.text.delta', turn_id: 1, delta: 'Hel' },
      { type: 'response.text.delta', turn_id: 1, delta: 'lo' },
    ]);
    expect(replyView(findTurn(state, 1)!, false).text).toBe('Hello');
  });

  it('gives a typed message to the turn the server opens for it', () => {
    const state = play([voiced]);
    recordTyped(state, 'hello there');
    expect(state.pendingTyped).toEqual(['hello there']);
    applyEvent(state, { type: 'response.created', turn_id: 3 });
    const turn = findTurn(state, 3)!;
    expect(turn.userFinal).toBe('hello there');
    expect(turn.typed).toBe(true);
    expect(state.pendingTyped).toEqual([]);
  });

  it('matches a typed message echoed as a transcript', () => {
    const state = play([voiced]);
    recordTyped(state, 'hi');
    applyEvent(state, { type: 'conversation.item.input_audio_transcription.completed', turn_id: 4, transcript: 'hi' });
    applyEvent(state, { type: 'response.created', turn_id: 4 });
    expect(findTurn(state, 4)!.typed).toBe(true);
    expect(state.pendingTyped).toEqual([]);
  });

  it('keeps citations, metrics, state, degraded notes and turn errors', () => {
    const state = play([
      { type: 'session.created', session: { degraded: ['No language model installed — run localvoice models pull'] } },
      { type: 'agent.state', state: 'thinking', turn_id: 1 },
      {
        type: 'response.citations',
        turn_id: 1,
        citations: [{ source: 'notes/a.md', heading: 'A', snippet: 'x', score: 1 }],
      },
      { type: 'turn.metrics', turn_id: 1, metrics: { stt_ms: 120, end_to_end_ms: 900 } },
      { type: 'error', error: { code: 'llm_failed', message: 'the model failed', turn_id: 1 } },
      { type: 'error', error: { code: 'invalid_value', message: 'bad field' } },
    ]);
    expect(state.session?.degraded).toHaveLength(1);
    expect(state.agentState).toBe('thinking');
    const turn = findTurn(state, 1)!;
    expect(turn.citations[0].source).toBe('notes/a.md');
    expect(turn.metrics?.end_to_end_ms).toBe(900);
    expect(turn.error?.code).toBe('llm_failed');
    expect(state.errors.map((e) => e.code)).toEqual(['llm_failed', 'invalid_value']);
  });

  it('orders turns by id and ignores unknown events', () => {
    const state = play([
      { type: 'response.created', turn_id: 5 },
      { type: 'response.created', turn_id: 2 },
      { type: 'something.new' } as unknown as ServerEvent,
    ]);
    expect(state.turns.map((t) => t.id)).toEqual([2, 5]);
  });
});

import { isIdle } from '../src/conversation';

describe('isIdle (when new engines may reconnect the conversation)', () => {
  const listening: ServerEvent = { type: 'agent.state', state: 'listening' };
  it('is idle when the agent listens and nothing is pending', () => {
    expect(isIdle(play([voiced, listening]))).toBe(true);
    expect(isIdle(play([voiced]))).toBe(false); // agent state not known yet
  });

  it('is not idle while a reply runs or the user speaks', () => {
    expect(isIdle(play([voiced, { type: 'agent.state', state: 'thinking', turn_id: 1 }]))).toBe(false);
    expect(isIdle(play([voiced, { type: 'agent.state', state: 'user_speaking', turn_id: 1 }]))).toBe(false);
    const replying = play([voiced, { type: 'response.created', turn_id: 1 }, listening]);
    expect(isIdle(replying)).toBe(false); // the reply has not finished
    applyEvent(replying, { type: 'response.done', turn_id: 1, response: { status: 'completed' } });
    expect(isIdle(replying)).toBe(true);
  });

  it('is not idle while a typed message waits for its turn', () => {
    const state = play([voiced, listening]);
    recordTyped(state, 'hello');
    expect(isIdle(state)).toBe(false);
  });
});
