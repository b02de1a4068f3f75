// Readable lines for the degraded-mode banner from the server's "kind: state - detail" notes.

const KIND_NAMES: Record<string, string> = {
  vad: 'Voice detection',
  stt: 'Speech recognition',
  llm: 'Language model',
  tts: 'Spoken replies',
  embeddings: 'Document search (embeddings)',
};

const STATE_NAMES: Record<string, string> = {
  absent: 'not installed',
  degraded: 'limited',
  failed: 'failed',
  loading: 'still loading',
};

// "llm: absent - none configured" -> "Language model: not installed (none configured)"; other text as is.
export function describeDegraded(line: string): string {
  const match = /^(\w+): (\w+)(?: - (.*))?$/s.exec(line.trim());
  if (!match || !(match[1] in KIND_NAMES)) {
    return line;
  }
  const [, kind, state, detail] = match;
  const what = `${KIND_NAMES[kind]}: ${STATE_NAMES[state] ?? state}`;
  return detail ? `${what} (${detail})` : what;
}

// Optional engines that are simply not configured are worth a note, not a warning.
export function isOptionalAbsence(line: string): boolean {
  return /^embeddings: absent\b/.test(line.trim());
}
