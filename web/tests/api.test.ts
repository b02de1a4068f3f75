import { describe, expect, it } from 'vitest';

import {
  fetchCatalog,
  fetchReadiness,
  parseCatalog,
  parseHistoryList,
  parseHistoryTurns,
  parsePullStart,
  startPull,
} from '../src/api';

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
      engines: [{ kind: 'stt', url: 'pocketsphinx:en-us', state: 'ready', detail: '', summary: '' }],
    });
    const keyed = await fetchReadiness(respond(503, { engines: { llm: { state: 'loading' }, tts: 'ready' } }));
    expect(keyed.ready).toBe(false);
    expect(keyed.engines).toEqual([
      { kind: 'llm', url: '', state: 'loading', detail: '', summary: '' },
      { kind: 'tts', url: '', state: 'ready', detail: '', summary: '' },
    ]);
  });

  it('keeps the short summary of an engine', async () => {
    const ready = await fetchReadiness(
      (async () =>
        new Response(
          JSON.stringify({
            engines: [{ kind: 'llm', url: '', state: 'absent', detail: 'x', summary: 'not installed' }],
          }),
        )) as unknown as typeof fetch,
    );
    expect(ready.engines[0].summary).toBe('not installed');
  });
});

const LLM = {
  name: 'llama:qwen2.5-1.5b-instruct-q4_k_m',
  role: 'llm',
  description: 'Qwen2.5 1.5B Instruct',
  license: 'Apache-2.0',
  size_bytes: 1117320736,
  installed: false,
  recommended: true,
};

describe('model catalog and pull', () => {
  it('reads the catalog', () => {
    const catalog = parseCatalog({
      profile: 'small',
      offline: false,
      models: [LLM, { name: 'silero:v5', role: 'vad', license: 'MIT', size_bytes: 2327524, installed: true }, null],
      missing: [LLM.name],
      missing_bytes: 1117320736,
    });
    expect(catalog.profile).toBe('small');
    expect(catalog.offline).toBe(false);
    expect(catalog.models).toHaveLength(2);
    expect(catalog.models[0]).toEqual({
      name: LLM.name,
      role: 'llm',
      description: 'Qwen2.5 1.5B Instruct',
      license: 'Apache-2.0',
      sizeBytes: 1117320736,
      installed: false,
      recommended: true,
    });
    expect(catalog.models[1]).toMatchObject({ installed: true, recommended: false, description: '' });
    expect(catalog.missing).toEqual([LLM.name]);
    expect(catalog.missingBytes).toBe(1117320736);
  });

  it('works out what is missing when the server leaves it out', () => {
    const catalog = parseCatalog({ offline: true, models: [LLM] });
    expect(catalog.offline).toBe(true);
    expect(catalog.missing).toEqual([LLM.name]);
    expect(catalog.missingBytes).toBe(1117320736);
    expect(parseCatalog(null)).toEqual({ profile: '', offline: false, models: [], missing: [], missingBytes: 0 });
  });

  it('fetches the catalog and refuses a failed answer', async () => {
    const ok = (async () =>
      new Response(JSON.stringify({ profile: 'small', models: [LLM] }))) as unknown as typeof fetch;
    expect((await fetchCatalog(ok)).missing).toEqual([LLM.name]);
    const gone = (async () => new Response('{}', { status: 404 })) as unknown as typeof fetch;
    await expect(fetchCatalog(gone)).rejects.toThrow(/404/);
  });

  it('reads the answers of POST /v1/models/pull', () => {
    expect(parsePullStart(202, { state: 'pulling', profile: 'small', missing: [LLM.name] })).toEqual({
      state: 'pulling',
      profile: 'small',
      missing: [LLM.name],
    });
    expect(parsePullStart(200, { state: 'done', profile: 'small' })).toEqual({
      state: 'done',
      profile: 'small',
      missing: [],
    });
    expect(
      parsePullStart(409, {
        error: { message: 'the server runs offline', type: 'invalid_request_error', code: 'offline' },
      }),
    ).toEqual({ state: 'refused', code: 'offline', message: 'the server runs offline' });
    expect(parsePullStart(500, 'oops')).toEqual({
      state: 'refused',
      code: 'http_500',
      message: 'the server answered 500',
    });
  });

  it('posts the profile to start the download', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fake = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ state: 'pulling', profile: 'small', missing: [] }), { status: 202 });
    }) as unknown as typeof fetch;
    expect((await startPull('small', fake)).state).toBe('pulling');
    expect(calls[0].url).toBe('/v1/models/pull');
    expect(calls[0].init.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ profile: 'small' });
  });
});
