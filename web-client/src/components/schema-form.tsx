import { useState } from 'react';

/** The part of JSON Schema the form understands; anything else is edited as JSON text. */
interface PropertySchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
}

interface ObjectSchema {
  properties?: Record<string, PropertySchema>;
  required?: string[];
}

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

function kindOf(p: PropertySchema): Kind {
  if (Array.isArray(p.enum) && p.enum.every((v) => typeof v === 'string')) return 'enum';
  const t = Array.isArray(p.type) ? p.type.find((x) => x !== 'null') : p.type;
  if (t === 'string' || t === 'number' || t === 'integer' || t === 'boolean') return t;
  return 'json';
}

/**
 * A form generated from a tool's input JSON Schema: one labelled control per top-level
 * property (text, number, checkbox, select; objects and arrays as JSON). The server checks the
 * arguments against the schema again; this only makes the common cases easy.
 */
export function SchemaForm({
  schema,
  submitLabel,
  busy,
  onSubmit,
}: {
  schema: unknown;
  submitLabel: string;
  busy?: boolean;
  onSubmit: (args: Record<string, unknown>) => void;
}) {
  const s = (schema ?? {}) as ObjectSchema;
  const props = Object.entries(s.properties ?? {});
  const required = new Set(s.required ?? []);
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(
      props.map(([name, p]) => [
        name,
        kindOf(p) === 'boolean'
          ? p.default === true
          : p.default === undefined
            ? ''
            : typeof p.default === 'string'
              ? p.default
              : JSON.stringify(p.default),
      ]),
    ),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const set = (name: string, v: string | boolean) => setValues((x) => ({ ...x, [name]: v }));
  return (
    <form
      className="schema-form"
      onSubmit={(e) => {
        e.preventDefault();
        const args: Record<string, unknown> = {};
        for (const [name, p] of props) {
          const v = values[name];
          const kind = kindOf(p);
          if (kind === 'boolean') {
            args[name] = v === true;
            continue;
          }
          if (v === '') continue;
          if (kind === 'number' || kind === 'integer') args[name] = Number(v);
          else if (kind === 'json') {
            try {
              args[name] = JSON.parse(String(v));
            } catch {
              setProblem(`${p.title ?? name} must be valid JSON.`);
              return;
            }
          } else args[name] = v;
        }
        setProblem(null);
        onSubmit(args);
      }}
    >
      {props.length === 0 && <p className="by">This tool takes no arguments.</p>}
      {props.map(([name, p]) => {
        const kind = kindOf(p);
        const label = `${p.title ?? name}${required.has(name) ? ' (required)' : ''}`;
        const hint = p.description ? <span className="by"> — {p.description}</span> : null;
        if (kind === 'boolean')
          return (
            <label key={name} className="check">
              <input
                type="checkbox"
                checked={values[name] === true}
                onChange={(e) => set(name, e.target.checked)}
              />
              {label}
              {hint}
            </label>
          );
        if (kind === 'enum')
          return (
            <label key={name}>
              {label}
              {hint}
              <select
                value={String(values[name])}
                onChange={(e) => set(name, e.target.value)}
                required={required.has(name)}
              >
                <option value="">—</option>
                {(p.enum as string[]).map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
          );
        return (
          <label key={name}>
            {label}
            {hint}
            {kind === 'json' ? (
              <textarea
                value={String(values[name])}
                onChange={(e) => set(name, e.target.value)}
                rows={3}
                spellCheck={false}
                required={required.has(name)}
              />
            ) : (
              <input
                type={kind === 'string' ? 'text' : 'number'}
                step={kind === 'integer' ? 1 : 'any'}
                value={String(values[name])}
                onChange={(e) => set(name, e.target.value)}
                required={required.has(name)}
              />
            )}
          </label>
        );
      })}
      {problem && (
        <p className="notice error" role="alert">
          {problem}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
