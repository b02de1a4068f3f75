import { describe, expect, it } from 'vitest';

import { indexingLine } from '../src/kb-indexing';

describe('indexingLine', () => {
  it('names the count and the file just indexed', () => {
    expect(indexingLine({ done: 3, total: 12, path: 'notes/router.md' })).toBe(
      'Indexing your documents: 3 of 12 (notes/router.md)',
    );
  });
  it('leaves the file out before the first one is done', () => {
    expect(indexingLine({ done: 0, total: 5, path: '' })).toBe('Indexing your documents: 0 of 5');
  });
});
