import { describe, expect, it } from 'vitest';

import { fetchReadiness, parseHistoryList, parseHistoryTurns } from '../src/api';

describe('api parsing', () => {
  it('reads the history list and skips malformed entries', () => {
    const list = parseHistoryList({
      object: 'list',
      data: [
        { id: 'c1', started_at_ms: 1700000000000, ended_at_ms: 1700000100000, turn_count: 3, title: 'Time' },
        null,
        { title: 'no id' },
      ],
    });
    expect(list).toEqual([{ id: 'c1', startedAtMs: 1700000000000, turnCount: 3, title: 'Time' }]);
    expect(parseHistoryList({})).toEqual([]);
    expect(parseHistoryList(null)).toEqual([]);
  });

  it('reads the turns of a conversation', () => {
    const turns = parseHistoryTurns({
      id: 'c1',
      turns: [
        {
          turn: 1,
          user_text: 'hi',
          assistant_text: 'hello',
          interrupted: true,
          status: 'interrupted',
          end_to_end_ms: 812,
        },
        {},
      ],
    });
    expect(turns[0]).toEqual({
      turn: 1,
      userText: 'hi',
      assistantText: 'hello',
      interrupted: true,
      status: 'interrupted',
      endToEndMs: 812,
    });
    expect(turns[1]).toMatchObject({ turn: 2, userText: '', endToEndMs: null });
  });

  it('reads /ready as a list or as an object keyed by engine kind', async () => {
    const respond = (status: number, body: unknown) =>
      (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;
    const listed = await fetchReadiness(
      respond(200, { engines: [{ kind: 'stt', url: 'pocketsphinx:en-us', state: 'ready' }] }),
    );
    expect(listed).toEqual({
      ready: true,
      engines: [{ kind: 'stt', url: 'pocketsphinx:en-us', state: 'ready', detail: '' }],
    });
    const keyed = await fetchReadiness(respond(503, { engines: { llm: { state: 'loading' }, tts: 'ready' } }));
    expect(keyed.ready).toBe(false);
    expect(keyed.engines).toEqual([
      { kind: 'llm', url: '', state: 'loading', detail: '' },
      { kind: 'tts', url: '', state: 'ready', detail: '' },
    ]);
  });
});
