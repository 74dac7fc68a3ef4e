/** One page of a keyset-paginated list; `nextCursor` is null on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface PageRequest {
  /** Opaque cursor from a previous page, or undefined for the first page. */
  readonly cursor?: string;
  /** 1..500. */
  readonly limit: number;
}
