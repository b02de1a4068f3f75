// Knowledge-base indexing progress (GET /v1/kb/indexing, server-sent events) as one line for a banner.

export interface IndexingProgress {
  done: number;
  total: number;
  path: string;
}

export function indexingLine(progress: IndexingProgress): string {
  const file = progress.path ? ` (${progress.path})` : '';
  return `Indexing your documents: ${progress.done} of ${progress.total}${file}`;
}

// Calls `show` with a line while the server indexes and with null when it is done. The folder is watched on
// the server, so a later change starts a new pass: look again every `recheckMs`.
export function watchIndexing(show: (line: string | null) => void, recheckMs = 10000): void {
  if (typeof EventSource === 'undefined') return;
  const source = new EventSource('/v1/kb/indexing');
  source.addEventListener('progress', (event) => {
    show(indexingLine(JSON.parse((event as MessageEvent<string>).data) as IndexingProgress));
  });
  const finished = (): void => {
    show(null);
    source.close();
    setTimeout(() => watchIndexing(show, recheckMs), recheckMs);
  };
  source.addEventListener('done', finished);
  source.addEventListener('idle', finished);
  // No knowledge base on this server (404) or the server went away: nothing to show.
  source.onerror = () => source.close();
}
