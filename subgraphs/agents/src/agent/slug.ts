const SLUG_MAX = 60;

const cut = (s: string, max: number) => s.slice(0, max).replace(/-+$/, '');

/**
 * The slug a name asks for: ascii lowercase kebab-case, accents folded (`Café Bot` -> `cafe-bot`),
 * at most 60 characters. A name with no ascii letters or digits gets `agent`.
 */
export function slugBase(name: string): string {
  const kebab = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cut(kebab, SLUG_MAX) || 'agent';
}

/** The n-th candidate for a base: `base`, `base-2`, `base-3`, ... still within 60 characters. */
export function slugCandidate(base: string, n: number): string {
  if (n <= 1) return base;
  const suffix = `-${n}`;
  return `${cut(base, SLUG_MAX - suffix.length)}${suffix}`;
}
