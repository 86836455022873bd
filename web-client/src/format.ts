/** Dates as the reader's locale writes them. */
export const formatDate = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString() : '';

export const credits = (n: number | null | undefined) =>
  n == null ? '—' : `${n.toLocaleString()} credit${n === 1 ? '' : 's'}`;

export const stars = (average: number | null | undefined) =>
  average == null ? 'No ratings yet' : `${average.toFixed(1)} / 5`;
