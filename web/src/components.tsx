import { useEffect, useId, useRef, useState } from 'react';
import type { InputHTMLAttributes, KeyboardEvent, ReactNode } from 'react';
import { ApiError, api, messageOf } from './api.ts';
import { useDebounced } from './hooks.ts';
import { STATUS_LABELS } from './labels.ts';
import type { Page, Resource, SynergyStatus } from './types.ts';

/** Resource codes as people write them: EWC entries with spaces (« 15 01 03 »). */
export function displayCode(code: string): string {
  return /^\d{6}$/.test(code) ? `${code.slice(0, 2)} ${code.slice(2, 4)} ${code.slice(4)}` : code;
}

export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null;
  const fields = error instanceof ApiError ? error.problem.errors : undefined;
  return (
    <div className="banner banner-error" role="alert">
      <strong>{messageOf(error)}</strong>
      {fields && fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={f.path}>
              <code>{f.path.replace(/^body\./, '')}</code> : {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="banner banner-ok" role="status">
      {children}
    </div>
  );
}

export function Loading({ what = 'Chargement' }: { what?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
}

/** A labelled input with its hint and its error, linked for screen readers. */
export function Field({ label, error, hint, id, ...rest }: FieldProps) {
  const auto = useId();
  const inputId = id ?? auto;
  const hintId = `${inputId}-hint`;
  const errId = `${inputId}-err`;
  const described = [hint ? hintId : null, error ? errId : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...rest}
      />
      {hint && (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      )}
      {error && (
        <div className="field-error" id={errId}>
          {error}
        </div>
      )}
    </div>
  );
}

export function StatusBadge({ status }: { status: SynergyStatus }) {
  return <span className={`badge badge-${status}`}>{STATUS_LABELS[status]}</span>;
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  return (
    <div className="progress">
      <progress max={100} value={value} aria-label={label} />
      <span aria-hidden="true">{value} %</span>
    </div>
  );
}

interface ResourcePickerProps {
  value: string;
  label: string;
  /** The label shown for the current code (from the flow or the last choice). */
  display?: string | undefined;
  invalid?: boolean;
  describedBy?: string | undefined;
  inputRef?: (el: HTMLInputElement | null) => void;
  onPick: (r: Resource) => void;
  onTyped?: (text: string) => void;
  onKeyDown?: (e: KeyboardEvent<HTMLInputElement>) => void;
}

/**
 * Resource search over the catalogue and the European waste list (GET /v1/resources?q=),
 * as an ARIA combobox: type, ↓/↑ to move, Entrée to choose, Échap to close.
 */
export function ResourcePicker(props: ResourcePickerProps) {
  const { value, display, label, onPick } = props;
  const shown = display ? `${displayCode(value)} — ${display}` : displayCode(value);
  const [text, setText] = useState(shown);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [items, setItems] = useState<Resource[]>([]);
  const listId = useId();
  const q = useDebounced(text, 150);
  const typing = useRef(false);

  useEffect(() => {
    if (!typing.current) setText(shown);
  }, [shown]);

  useEffect(() => {
    if (!typing.current || q.trim().length < 2) {
      setItems([]);
      return;
    }
    const ctrl = new AbortController();
    api
      .get<Page<Resource>>('/resources', { q: q.trim(), selectable: true, limit: 12 }, ctrl.signal)
      .then((p) => {
        setItems(p.items);
        setActive(0);
        setOpen(true);
      })
      .catch(() => undefined);
    return () => ctrl.abort();
  }, [q]);

  const choose = (r: Resource) => {
    typing.current = false;
    setOpen(false);
    setText(`${r.codeDisplay} — ${r.labelFr}`);
    onPick(r);
  };

  return (
    <div className="combo">
      <input
        ref={props.inputRef}
        type="text"
        role="combobox"
        aria-label={label}
        aria-autocomplete="list"
        aria-expanded={open && items.length > 0}
        aria-controls={listId}
        aria-activedescendant={open && items[active] ? `${listId}-${active}` : undefined}
        aria-invalid={props.invalid ? true : undefined}
        aria-describedby={props.describedBy}
        value={text}
        placeholder="Rechercher : palettes, 15 01 03…"
        onChange={(e) => {
          typing.current = true;
          setText(e.target.value);
          props.onTyped?.(e.target.value);
        }}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (open && items.length > 0) {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((a) => Math.min(a + 1, items.length - 1));
              return;
            }
            if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
              return;
            }
            if (e.key === 'Enter') {
              e.preventDefault();
              const r = items[active];
              if (r) choose(r);
              return;
            }
            if (e.key === 'Escape') {
              setOpen(false);
              return;
            }
          }
          props.onKeyDown?.(e);
        }}
      />
      {open && items.length > 0 && (
        <ul className="combo-list" role="listbox" id={listId} aria-label={`Suggestions : ${label}`}>
          {items.map((r, i) => (
            <li
              key={r.code}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(r);
              }}
            >
              <span className="code">{r.codeDisplay}</span> {r.labelFr}
              {r.hazardous && <span className="badge badge-rejected"> dangereux</span>}
              <span className="muted"> · {r.canonicalUnit}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
