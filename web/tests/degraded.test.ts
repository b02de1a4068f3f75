import { describe, expect, it } from 'vitest';

import { describeDegraded, isOptionalAbsence } from '../src/degraded';

describe('degraded notes', () => {
  it('turns engine notes into readable lines and keeps other text', () => {
    expect(describeDegraded('llm: absent - none configured')).toBe('Language model: not installed (none configured)');
    expect(describeDegraded('tts: failed - voice file missing; run: localvoice models pull piper:x')).toBe(
      'Spoken replies: failed (voice file missing; run: localvoice models pull piper:x)',
    );
    expect(describeDegraded('stt: degraded')).toBe('Speech recognition: limited');
    const free =
      'llm: no language model installed - answers come from your documents only; run: localvoice models pull';
    expect(describeDegraded(free)).toBe(free);
    expect(describeDegraded('engines are still loading; try again in a moment')).toBe(
      'engines are still loading; try again in a moment',
    );
  });

  it('recognizes an optional engine that is simply not configured', () => {
    expect(isOptionalAbsence('embeddings: absent - none configured')).toBe(true);
    expect(isOptionalAbsence('llm: absent - none configured')).toBe(false);
  });
});

import { kindOfLine, linesFromEngines, linesFromNotes, noteLine, shortDetail } from '../src/degraded';

const engine = (kind: string, state: string, detail = '', summary = '') => ({ kind, url: '', state, detail, summary });

describe('banner lines', () => {
  it('shows the server summaries, one short line per engine that is not ready', () => {
    const lines = linesFromEngines([
      engine(
        'vad',
        'degraded',
        'cannot load /root/.cache/localvoice/models/silero/v5.onnx',
        'basic (the Silero model is not installed)',
      ),
      engine('stt', 'ready', 'loaded in 12 ms', 'ready'),
      engine('llm', 'absent', 'none configured; run: localvoice models pull --profile small', 'not installed'),
      engine('embeddings', 'absent', 'none configured', 'not installed'),
    ]);
    expect(lines).toEqual([
      { kind: 'vad', text: 'Voice detection: basic (the Silero model is not installed)' },
      { kind: 'llm', text: 'Language model: not installed — answers come from your documents only' },
    ]);
  });

  it('does not repeat a consequence the summary already says', () => {
    const [line] = linesFromEngines([
      engine('llm', 'absent', '', 'not installed — answers come from your documents only'),
    ]);
    expect(line.text).toBe('Language model: not installed — answers come from your documents only');
  });

  it('falls back to the state and a short detail without a summary', () => {
    const [vad] = linesFromEngines([
      engine(
        'vad',
        'degraded',
        'cannot load /home/me/.cache/localvoice/models/silero-v5/silero_vad_v5.onnx: not found (run: localvoice models pull silero:v5); using energy: instead',
      ),
    ]);
    expect(vad).toEqual({ kind: 'vad', text: 'Voice detection: limited (cannot load silero_vad_v5.onnx: not found)' });
    expect(vad.text).not.toMatch(/\/|\.cache|run:/);
  });

  it('keeps the session notes the server wrote for people as they are', () => {
    expect(
      linesFromNotes([
        'Voice detection: basic (the Silero model is not installed)',
        'Language model: not installed — answers come from your documents only',
      ]),
    ).toEqual([
      { kind: 'vad', text: 'Voice detection: basic (the Silero model is not installed)' },
      { kind: 'llm', text: 'Language model: not installed — answers come from your documents only' },
    ]);
  });

  it('turns old-style notes into short lines through describeDegraded', () => {
    expect(noteLine('llm: absent - none configured')).toEqual({
      kind: 'llm',
      text: describeDegraded('llm: absent - none configured'),
    });
    expect(
      noteLine(
        'llm: no language model installed - answers come from your documents only; run: localvoice models pull --profile small',
      ),
    ).toEqual({
      kind: 'llm',
      text: 'Language model: no language model installed — answers come from your documents only',
    });
    expect(noteLine('tts: no text-to-speech engine - replies arrive as text only; set engines.tts')).toEqual({
      kind: 'tts',
      text: 'Spoken replies: no text-to-speech engine — replies arrive as text only',
    });
    expect(noteLine('something else happened')).toEqual({ kind: null, text: 'something else happened' });
    expect(linesFromNotes(['embeddings: absent - none configured', ''])).toEqual([]);
  });

  it('shortens details: no paths, no commands, no web addresses, one clause', () => {
    expect(shortDetail('model file ~/models/x.gguf is corrupt; re-download it')).toBe('model file x.gguf is corrupt');
    expect(shortDetail('cannot reach https://huggingface.co/org/repo/resolve/main/f.bin: timed out')).toBe(
      'cannot reach huggingface.co: timed out',
    );
    expect(shortDetail('run: localvoice doctor')).toBe('');
    expect(shortDetail('x'.repeat(200))).toHaveLength(80);
  });

  it('knows which engine a line is about', () => {
    expect(kindOfLine('llm: absent')).toBe('llm');
    expect(kindOfLine('Language model: not installed')).toBe('llm');
    expect(kindOfLine('Speech-to-text: limited')).toBe('stt');
    expect(kindOfLine('Weather: fine')).toBeNull();
    expect(kindOfLine('no colon here')).toBeNull();
  });
});
