// Diagnostic entry, built for speed: a flow table typed from the keyboard.
// Entrée / Tab go to the next cell, Maj+Entrée to the previous one, Ctrl+Entrée (or
// Entrée on the last cell) adds a row, Ctrl+S saves the draft. Errors from the API
// (problem+json field paths « flows.N.field ») are shown in the cell they concern.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api, request } from '../api.ts';
import { ErrorBanner, Loading, Notice, ResourcePicker, displayCode } from '../components.tsx';
import { useTitle } from '../hooks.ts';
import {
  FLOW_KINDS,
  KIND_LABELS,
  PERIOD_CODES,
  PERIOD_LABELS,
  fmt,
  unitLabel,
  unitsFor,
} from '../labels.ts';
import type {
  Company,
  Diagnostic,
  DiagnosticSummary,
  DiagnosticWrite,
  Flow,
  FlowInput,
} from '../types.ts';

type Kind = (typeof FLOW_KINDS)[number];
type PeriodCode = (typeof PERIOD_CODES)[number];

interface Row {
  key: number;
  kind: Kind;
  resourceCode: string;
  resourceLabel: string;
  canonicalUnit: string | null;
  label: string;
  quantity: string;
  unit: string;
  period: PeriodCode;
  cost: string;
  /** Fields the table does not edit, kept as they were. */
  rest: Pick<FlowInput, 'quality' | 'availability' | 'confidentiality' | 'hazardous' | 'category'>;
}

const COLS = ['kind', 'resource', 'label', 'quantity', 'unit', 'period', 'cost'] as const;
type Col = (typeof COLS)[number];
/** Which API field path each column shows the errors of. */
const COL_FIELDS: Record<Col, string[]> = {
  kind: ['kind'],
  resource: ['resourceCode', 'category', 'hazardous'],
  label: ['label'],
  quantity: ['quantity'],
  unit: ['unit'],
  period: ['period'],
  cost: ['costEurPerYear'],
};

let nextKey = 1;
const emptyRow = (kind: Kind = 'waste'): Row => ({
  key: nextKey++,
  kind,
  resourceCode: '',
  resourceLabel: '',
  canonicalUnit: null,
  label: '',
  quantity: '',
  unit: '',
  period: 'year',
  cost: '',
  rest: {},
});

const rowOf = (f: Flow): Row => ({
  key: nextKey++,
  kind: f.kind,
  resourceCode: f.resourceCode,
  resourceLabel: f.resourceLabel,
  canonicalUnit: f.canonicalUnit,
  label: f.label ?? '',
  quantity: f.quantity == null ? '' : String(f.quantity),
  unit: f.unit ?? '',
  period: (PERIOD_CODES as readonly string[]).includes(f.period ?? '')
    ? (f.period as PeriodCode)
    : 'year',
  cost: f.costEurPerYear == null ? '' : String(f.costEurPerYear),
  rest: {
    quality: f.quality as FlowInput['quality'],
    availability: f.availability,
    confidentiality: f.confidentiality,
  },
});

const num = (s: string): number | null => {
  const t = s.trim().replace(/\s/g, '').replace(',', '.');
  return t === '' ? null : Number(t);
};

/** Client-side checks (the same rules as the API's schema); the API has the last word. */
function localErrors(rows: Row[]): Record<string, string> {
  const errs: Record<string, string> = {};
  rows.forEach((r, i) => {
    if (isBlank(r)) return;
    if (!r.resourceCode) errs[`${i}.resource`] = 'choisissez une ressource dans la liste';
    const q = num(r.quantity);
    if (q !== null && (Number.isNaN(q) || q < 0)) errs[`${i}.quantity`] = 'nombre positif attendu';
    if ((q === null) !== (r.unit === '')) errs[`${i}.unit`] = 'quantité et unité vont ensemble';
    const c = num(r.cost);
    if (c !== null && Number.isNaN(c)) errs[`${i}.cost`] = 'montant en euros attendu';
  });
  return errs;
}

const isBlank = (r: Row) => !r.resourceCode && !r.label && !r.quantity && !r.cost;

export function DiagnosticPage() {
  const { id: companyId, diagnosticId } = useParams();
  const [company, setCompany] = useState<Company | null>(null);
  const [diag, setDiag] = useState<Diagnostic | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [rows, setRows] = useState<Row[]>(() => [emptyRow('input'), emptyRow('waste')]);
  const [visitedAt, setVisitedAt] = useState(() => new Date().toISOString().slice(0, 10));
  const [notes, setNotes] = useState('');
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [apiFields, setApiFields] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const cells = useRef(new Map<string, HTMLElement | null>());
  useTitle(company ? `Diagnostic — ${company.name}` : 'Diagnostic');

  const applyDiagnostic = useCallback((d: Diagnostic, tag: string | null) => {
    setDiag(d);
    setEtag(tag);
    setVisitedAt(d.visitedAt ?? '');
    setNotes(d.notes ?? '');
    setRows(d.flows.length > 0 ? d.flows.map(rowOf) : [emptyRow()]);
    setDirty(false);
  }, []);

  // Load: a given diagnostic, or the company's draft, or a new draft pre-filled with
  // the flows of the validated version (a new visit usually changes a few lines).
  useEffect(() => {
    let cancelled = false;
    (async () => {
      if (diagnosticId) {
        const res = await request<Diagnostic>('GET', `/diagnostics/${diagnosticId}`);
        if (cancelled) return;
        applyDiagnostic(res.data, res.etag);
        setCompany(await api.get<Company>(`/companies/${res.data.companyId}`));
      } else if (companyId) {
        const [c, list] = await Promise.all([
          api.get<Company>(`/companies/${companyId}`),
          api.get<{ items: DiagnosticSummary[] }>(`/companies/${companyId}/diagnostics`),
        ]);
        if (cancelled) return;
        setCompany(c);
        const draft = list.items.find((d) => d.status === 'draft');
        const current = list.items.find((d) => d.status === 'validated');
        if (draft) {
          const res = await request<Diagnostic>('GET', `/diagnostics/${draft.id}`);
          if (!cancelled) applyDiagnostic(res.data, res.etag);
        } else if (current) {
          const prev = await api.get<Diagnostic>(`/diagnostics/${current.id}`);
          if (!cancelled && prev.flows.length > 0) setRows(prev.flows.map(rowOf));
        }
      }
      if (!cancelled) setLoaded(true);
    })().catch((err: unknown) => {
      if (!cancelled) {
        setError(err);
        setLoaded(true);
      }
    });
    return () => {
      cancelled = true;
    };
  }, [companyId, diagnosticId, applyDiagnostic]);

  const readOnly = diag !== null && diag.status !== 'draft';
  const local = useMemo(() => localErrors(rows), [rows]);
  // Missing-value errors wait for a save; malformed numbers are flagged as typed.
  const [attempted, setAttempted] = useState(false);

  const update = (i: number, patch: Partial<Row>) => {
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    setDirty(true);
    setNotice(null);
  };

  const focusCell = (row: number, col: number) => {
    const go = () => {
      const el = cells.current.get(`${row}.${col}`);
      el?.focus();
      if (el instanceof HTMLInputElement) el.select();
      return Boolean(el);
    };
    // A cell of a row just added exists only after the next render.
    if (!go()) window.setTimeout(go, 0);
  };

  const addRow = (after?: number) => {
    const at = after === undefined ? rows.length : after + 1;
    const kind = rows[at - 1]?.kind ?? 'waste';
    setRows((rs) => [...rs.slice(0, at), emptyRow(kind), ...rs.slice(at)]);
    setDirty(true);
    focusCell(at, 1);
  };

  const removeRow = (i: number) => {
    setRows((rs) => (rs.length === 1 ? [emptyRow()] : rs.filter((_, j) => j !== i)));
    setDirty(true);
    focusCell(Math.max(0, i - 1), 1);
  };

  const onCellKey = (e: KeyboardEvent<HTMLElement>, row: number, col: number) => {
    if (e.defaultPrevented) return;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      addRow(row);
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      if (e.shiftKey) {
        if (col > 0) focusCell(row, col - 1);
        else if (row > 0) focusCell(row - 1, COLS.length - 1);
        return;
      }
      if (col < COLS.length - 1) focusCell(row, col + 1);
      else if (row < rows.length - 1) focusCell(row + 1, 0);
      else addRow(row);
    }
  };

  // Rows sent to the API, with their index in the table (blank rows are skipped).
  const payload = (): { body: DiagnosticWrite; sent: number[] } => {
    const sent: number[] = [];
    const flows: FlowInput[] = [];
    rows.forEach((r, i) => {
      if (isBlank(r)) return;
      sent.push(i);
      const q = num(r.quantity);
      flows.push({
        ...r.rest,
        kind: r.kind,
        resourceCode: r.resourceCode,
        label: r.label.trim() || null,
        quantity: q,
        unit: (r.unit || null) as FlowInput['unit'],
        period: r.period,
        costEurPerYear: num(r.cost),
      });
    });
    return { body: { visitedAt: visitedAt || null, notes: notes.trim() || null, flows }, sent };
  };

  const showApiError = (err: unknown, sent: number[]) => {
    setError(err);
    if (!(err instanceof ApiError)) return setApiFields({});
    const mapped: Record<string, string> = {};
    for (const [path, msg] of Object.entries(err.fields)) {
      const m = /^flows\.(\d+)\.(\w+)/.exec(path);
      if (!m) {
        mapped[path] = msg;
        continue;
      }
      const row = sent[Number(m[1])];
      const col = COLS.find((c) => COL_FIELDS[c].includes(m[2]!));
      if (row !== undefined && col) mapped[`${row}.${col}`] = msg;
    }
    setApiFields(mapped);
  };

  /** Saves the draft (creates it the first time); returns the saved diagnostic. */
  const save = async (): Promise<{ d: Diagnostic; tag: string | null } | null> => {
    setAttempted(true);
    if (Object.keys(local).length > 0) {
      setError(new Error('Corrigez les cellules signalées avant d’enregistrer'));
      return null;
    }
    const { body, sent } = payload();
    setBusy(true);
    setError(null);
    setApiFields({});
    try {
      const res = diag
        ? await request<Diagnostic>('PUT', `/diagnostics/${diag.id}`, { body, ifMatch: etag })
        : await request<Diagnostic>('POST', `/companies/${company!.id}/diagnostics`, { body });
      applyDiagnostic(res.data, res.etag);
      return { d: res.data, tag: res.etag };
    } catch (err) {
      showApiError(err, sent);
      return null;
    } finally {
      setBusy(false);
    }
  };

  const validate = async () => {
    const saved = dirty || !diag ? await save() : { d: diag, tag: etag };
    if (!saved) return;
    setBusy(true);
    try {
      const res = await request<Diagnostic>('POST', `/diagnostics/${saved.d.id}/validate`, {
        ifMatch: saved.tag,
      });
      applyDiagnostic(res.data, res.etag);
      setNotice(
        'Diagnostic validé. La mise en relation du territoire est relancée pour cette entreprise.',
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        if (!readOnly && !busy) void save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (!loaded) return <Loading />;
  if (!company) return <ErrorBanner error={error} />;
  const errAt = (i: number, c: Col) => {
    const mine = c === 'quantity' || c === 'cost' || attempted ? local[`${i}.${c}`] : undefined;
    return mine ?? apiFields[`${i}.${c}`];
  };
  const ref = (i: number, c: number) => (el: HTMLElement | null) => {
    cells.current.set(`${i}.${c}`, el);
  };

  return (
    <>
      <div className="page-head">
        <h1>
          Diagnostic — <Link to={`/entreprises/${company.id}`}>{company.name}</Link>
        </h1>
        <p className="muted" aria-live="polite">
          {diag
            ? `Version ${diag.version} · ${diag.status === 'draft' ? 'brouillon' : diag.status === 'validated' ? 'validé' : 'remplacé'}`
            : 'Nouveau diagnostic (non enregistré)'}
          {dirty && ' · modifications non enregistrées'}
        </p>
      </div>
      {notice && (
        <Notice>
          {notice} <Link to="/synergies">Voir les synergies</Link>
        </Notice>
      )}
      <ErrorBanner error={error} />
      <div className="row">
        <div className="field">
          <label htmlFor="d-visited">Date de la visite</label>
          <input
            id="d-visited"
            type="date"
            value={visitedAt}
            disabled={readOnly}
            onChange={(e) => {
              setVisitedAt(e.target.value);
              setDirty(true);
            }}
          />
        </div>
        <div className="field grow">
          <label htmlFor="d-notes">Notes de visite</label>
          <input
            id="d-notes"
            value={notes}
            disabled={readOnly}
            onChange={(e) => {
              setNotes(e.target.value);
              setDirty(true);
            }}
          />
        </div>
      </div>
      <p className="hint" id="kbd-help">
        Clavier : <kbd>Entrée</kbd> ou <kbd>Tab</kbd> cellule suivante, <kbd>Maj</kbd>+
        <kbd>Entrée</kbd> précédente, <kbd>Ctrl</kbd>+<kbd>Entrée</kbd> nouvelle ligne,{' '}
        <kbd>Ctrl</kbd>+<kbd>S</kbd> enregistrer. Ressource : tapez un mot ou un code déchet,{' '}
        <kbd>↓</kbd> puis <kbd>Entrée</kbd>.
      </p>
      <table className="flows" aria-describedby="kbd-help">
        <caption className="sr-only">Flux de l’entreprise</caption>
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Ressource</th>
            <th scope="col">Libellé</th>
            <th scope="col">Quantité</th>
            <th scope="col">Unité</th>
            <th scope="col">Période</th>
            <th scope="col">Coût €/an</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const n = i + 1;
            const cellErr = (c: Col) => {
              const msg = errAt(i, c);
              return msg ? (
                <div className="field-error" id={`e-${r.key}-${c}`}>
                  {msg}
                </div>
              ) : null;
            };
            const aria = (c: Col) => ({
              'aria-invalid': errAt(i, c) ? true : undefined,
              'aria-describedby': errAt(i, c) ? `e-${r.key}-${c}` : undefined,
            });
            return (
              <tr key={r.key}>
                <td>
                  <select
                    ref={ref(i, 0)}
                    aria-label={`Type, ligne ${n}`}
                    value={r.kind}
                    disabled={readOnly}
                    onChange={(e) => update(i, { kind: e.target.value as Kind })}
                    onKeyDown={(e) => onCellKey(e, i, 0)}
                    {...aria('kind')}
                  >
                    {FLOW_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {KIND_LABELS[k]}
                      </option>
                    ))}
                  </select>
                  {cellErr('kind')}
                </td>
                <td className="wide">
                  {readOnly ? (
                    <span>
                      <span className="mono">{displayCode(r.resourceCode)}</span> {r.resourceLabel}
                    </span>
                  ) : (
                    <ResourcePicker
                      label={`Ressource, ligne ${n}`}
                      value={r.resourceCode}
                      display={r.resourceLabel}
                      invalid={Boolean(errAt(i, 'resource'))}
                      describedBy={errAt(i, 'resource') ? `e-${r.key}-resource` : undefined}
                      inputRef={ref(i, 1)}
                      onPick={(res) => {
                        const units = unitsFor(res.canonicalUnit);
                        update(i, {
                          resourceCode: res.code,
                          resourceLabel: res.labelFr,
                          canonicalUnit: res.canonicalUnit,
                          unit:
                            r.unit && (units as string[]).includes(r.unit)
                              ? r.unit
                              : r.quantity
                                ? res.canonicalUnit
                                : r.unit,
                          label: r.label,
                        });
                        focusCell(i, 2);
                      }}
                      onTyped={() => {
                        if (r.resourceCode) update(i, { resourceCode: '', resourceLabel: '' });
                      }}
                      onKeyDown={(e) => onCellKey(e, i, 1)}
                    />
                  )}
                  {cellErr('resource')}
                </td>
                <td>
                  <input
                    ref={ref(i, 2)}
                    aria-label={`Libellé, ligne ${n}`}
                    value={r.label}
                    disabled={readOnly}
                    onChange={(e) => update(i, { label: e.target.value })}
                    onKeyDown={(e) => onCellKey(e, i, 2)}
                    {...aria('label')}
                  />
                  {cellErr('label')}
                </td>
                <td>
                  <input
                    ref={ref(i, 3)}
                    className="num"
                    inputMode="decimal"
                    aria-label={`Quantité, ligne ${n}`}
                    value={r.quantity}
                    disabled={readOnly}
                    onChange={(e) =>
                      update(i, {
                        quantity: e.target.value,
                        unit:
                          r.unit || (e.target.value && r.canonicalUnit ? r.canonicalUnit : r.unit),
                      })
                    }
                    onKeyDown={(e) => onCellKey(e, i, 3)}
                    {...aria('quantity')}
                  />
                  {cellErr('quantity')}
                </td>
                <td>
                  <select
                    ref={ref(i, 4)}
                    aria-label={`Unité, ligne ${n}`}
                    value={r.unit}
                    disabled={readOnly}
                    onChange={(e) => update(i, { unit: e.target.value })}
                    onKeyDown={(e) => onCellKey(e, i, 4)}
                    {...aria('unit')}
                  >
                    <option value="">—</option>
                    {unitsFor(r.canonicalUnit).map((u) => (
                      <option key={u} value={u} title={unitLabel(u)}>
                        {u}
                      </option>
                    ))}
                  </select>
                  {cellErr('unit')}
                </td>
                <td>
                  <select
                    ref={ref(i, 5)}
                    aria-label={`Période, ligne ${n}`}
                    value={r.period}
                    disabled={readOnly}
                    onChange={(e) => update(i, { period: e.target.value as PeriodCode })}
                    onKeyDown={(e) => onCellKey(e, i, 5)}
                    {...aria('period')}
                  >
                    {PERIOD_CODES.map((p) => (
                      <option key={p} value={p}>
                        {PERIOD_LABELS[p]}
                      </option>
                    ))}
                  </select>
                  {cellErr('period')}
                </td>
                <td>
                  <input
                    ref={ref(i, 6)}
                    className="num"
                    inputMode="decimal"
                    aria-label={`Coût annuel en euros, ligne ${n}`}
                    value={r.cost}
                    disabled={readOnly}
                    onChange={(e) => update(i, { cost: e.target.value })}
                    onKeyDown={(e) => onCellKey(e, i, 6)}
                    {...aria('cost')}
                  />
                  {cellErr('cost')}
                </td>
                <td>
                  {!readOnly && (
                    <button
                      type="button"
                      className="icon"
                      aria-label={`Supprimer la ligne ${n}`}
                      onClick={() => removeRow(i)}
                    >
                      ✕
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {diag && diag.flows.length > 0 && (
        <p className="muted">
          Total annualisé :{' '}
          {diag.flows
            .filter((f) => f.quantityPerYear != null)
            .map((f) => `${f.resourceLabel} ${fmt(f.quantityPerYear)} ${f.canonicalUnit ?? ''}/an`)
            .join(' · ')}
        </p>
      )}
      {!readOnly && (
        <div className="actions">
          <button type="button" onClick={() => addRow()}>
            Ajouter une ligne
          </button>
          <button type="button" disabled={busy} onClick={() => void save()}>
            Enregistrer le brouillon
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void validate()}>
            Valider le diagnostic
          </button>
        </div>
      )}
      {readOnly && company && (
        <div className="actions">
          <Link className="button" to={`/entreprises/${company.id}/diagnostic`}>
            Nouvelle version à partir de celle-ci
          </Link>
        </div>
      )}
    </>
  );
}
