import { useCallback, useEffect, useState } from 'react';

/** One page of a list endpoint (`GET /api/...?cursor=`): its items and the cursor of the next page, if any. */
export interface Page<Item> {
  items: Item[];
  nextCursor?: string | null | undefined;
}

/**
 * The rows of a list endpoint, read on arrival and again whenever `readPage` (memoised by the caller) or
 * `refreshKey` changes; `more` appends the next page while there is one.
 */
export function usePagedList<Item>(readPage: (cursor?: string) => Promise<Page<Item>>, refreshKey?: unknown) {
  const [items, setItems] = useState<Item[]>();
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<unknown>();

  const load = useCallback(
    async (after?: string) => {
      try {
        const page = await readPage(after);
        setItems((prev) => (after ? [...(prev ?? []), ...page.items] : page.items));
        setCursor(page.nextCursor ?? undefined);
        setError(undefined);
      } catch (err) {
        setError(err);
      }
    },
    [readPage],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: `refreshKey` asks for a fresh read
  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  const reload = useCallback(() => load(), [load]);
  const more = cursor ? () => void load(cursor) : undefined;
  return { items, error, setError, reload, more };
}
