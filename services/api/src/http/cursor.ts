import { AppError } from '../../../../shared/errors.ts';

// Opaque keyset cursors: the sort key of the last item, base64url-encoded JSON.

export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends unknown[]>(
  cursor: string | undefined,
  arity: number,
): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity) return key as T;
  } catch {
    // fall through
  }
  throw new AppError('validation_failed', 'Curseur de pagination invalide', [
    { path: 'cursor', message: 'curseur invalide' },
  ]);
}

/** Fetch `limit + 1` rows; the extra one tells whether a next page exists. */
export function toPage<R, I>(
  rows: R[],
  limit: number,
  map: (r: R) => I,
  keyOf: (r: R) => unknown[],
) {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(map),
    nextCursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
