/** One part of a message or artifact, as the API returns it. */
export interface PartView {
  kind: 'TEXT' | 'DATA' | 'FILE';
  text?: string | null;
  data?: unknown;
  file?: { name?: string | null; mimeType?: string | null; uri?: string | null } | null;
}

const safeHref = (uri: string | null | undefined) =>
  uri && /^https?:\/\//i.test(uri) ? uri : undefined;

/**
 * Renders parts from agents, which are untrusted: text and JSON as text nodes (React escapes
 * them; nothing is ever parsed as HTML), files as a name with a link only for http(s) URIs.
 */
export function Parts({ parts }: { parts: readonly PartView[] }) {
  return (
    <>
      {parts.map((p, i) => {
        if (p.kind === 'TEXT')
          return (
            <p key={i} className="part-text">
              {p.text}
            </p>
          );
        if (p.kind === 'DATA')
          return (
            <pre key={i} className="part-data">
              {JSON.stringify(p.data, null, 2)}
            </pre>
          );
        const href = safeHref(p.file?.uri);
        const label = `${p.file?.name ?? 'file'}${p.file?.mimeType ? ` (${p.file.mimeType})` : ''}`;
        return (
          <p key={i} className="part-file">
            File:{' '}
            {href ? (
              <a href={href} rel="noopener noreferrer nofollow" target="_blank">
                {label}
              </a>
            ) : (
              label
            )}
          </p>
        );
      })}
    </>
  );
}
