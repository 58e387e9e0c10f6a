import { useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  STATUSES_WITH_REALISED_GAINS,
  needsReason,
} from '../../../shared/lifecycle/state-machine.ts';
import { UNITS, type Unit } from '../../../shared/units.ts';
import { ApiError, api } from '../api.ts';
import { ErrorBanner, Field, Loading, Notice, StatusBadge } from '../components.tsx';
import {
  lifecycle,
  type LifecycleReference,
  type RealisedGainsBody,
  type RejectionReason,
  type SynergyEvent,
} from '../contract.ts';
import { useAsync, useTitle } from '../hooks.ts';
import {
  ROLE_LABELS,
  STATUS_LABELS,
  TYPE_LABELS,
  UNIT_CODES,
  fmt,
  fmtDate,
  fmtDateTime,
  fmtEur,
  unitLabel,
} from '../labels.ts';
import type { ScoreBreakdown, Synergy, SynergyStatus } from '../types.ts';
import { gainsOf } from './dashboard.tsx';

const FACTORS: [keyof Omit<ScoreBreakdown, 'notes'>, string][] = [
  ['confidence', 'Confiance de la règle'],
  ['coverage', 'Couverture du besoin'],
  ['distance', 'Distance'],
  ['regularity', 'Régularité'],
  ['quality', 'Qualité'],
];

/** Next statuses, their labels and the reasons come from GET /v1/synergy-lifecycle. */
function Transition({
  synergy,
  reference,
  onDone,
}: {
  synergy: Synergy;
  reference: LifecycleReference;
  onDone: (s: Synergy) => void;
}) {
  const options = reference.statuses.find((st) => st.code === synergy.status)?.next ?? [];
  const labelOf = (code: SynergyStatus) =>
    reference.statuses.find((st) => st.code === code)?.labelFr ?? STATUS_LABELS[code];
  const [to, setTo] = useState<SynergyStatus | ''>('');
  const [reason, setReason] = useState<RejectionReason | ''>('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (options.length === 0) return <p className="muted">Aucune action possible dans cet état.</p>;
  const reasonNeeded = to !== '' && needsReason(to);
  return (
    <form
      className="form"
      aria-label="Changer l’état"
      onSubmit={(e) => {
        e.preventDefault();
        if (!to || (reasonNeeded && !reason)) return;
        setBusy(true);
        setError(null);
        lifecycle
          .transition(synergy.id, {
            to,
            ...(reason && reasonNeeded ? { reasonCode: reason } : {}),
            ...(comment.trim() ? { comment: comment.trim() } : {}),
          })
          .then((s) => {
            setTo('');
            setReason('');
            setComment('');
            onDone(s);
          })
          .catch(setError)
          .finally(() => setBusy(false));
      }}
    >
      <ErrorBanner error={error} />
      <div className="row">
        <div className="field">
          <label htmlFor="t-to">Nouvel état</label>
          <select
            id="t-to"
            value={to}
            required
            onChange={(e) => setTo(e.target.value as SynergyStatus)}
          >
            <option value="">Choisir…</option>
            {options.map((st) => (
              <option key={st} value={st}>
                {labelOf(st)}
              </option>
            ))}
          </select>
        </div>
        {reasonNeeded && (
          <div className="field">
            <label htmlFor="t-reason">Motif</label>
            <select
              id="t-reason"
              value={reason}
              required
              onChange={(e) => setReason(e.target.value as RejectionReason)}
            >
              <option value="">Choisir…</option>
              {reference.reasons.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.labelFr}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field grow">
          <label htmlFor="t-comment">Commentaire</label>
          <input
            id="t-comment"
            maxLength={2000}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
        </div>
      </div>
      <button type="submit" className="primary" disabled={busy || !to || (reasonNeeded && !reason)}>
        Changer l’état
      </button>
    </form>
  );
}

/** A decimal typed the French way (« 1 200,5 ») or empty → null. */
function numberOrNull(text: string): number | null {
  const t = text.replace(/\s/g, '').replace(',', '.');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
}

const numText = (n: number | null | undefined) => (n == null ? '' : String(n).replace('.', ','));

/** Realised gains (PUT /synergies/{id}/realised-gains), for synergies in progress or implemented. */
function RealisedGainsForm({
  synergy,
  onDone,
}: {
  synergy: Synergy;
  onDone: (s: Synergy) => void;
}) {
  const r = synergy.realisedGains;
  const defaultUnit = (r?.unit ?? (synergy.unit && synergy.unit in UNITS ? synergy.unit : '')) as
    Unit | '';
  const [v, setV] = useState({
    quantityPerYear: numText(r?.quantityPerYear),
    unit: defaultUnit,
    eurPerYear: numText(r?.eurPerYear),
    tco2ePerYear: numText(r?.tco2ePerYear),
    jobsCreated: numText(r?.jobsCreated),
    jobsKept: numText(r?.jobsKept),
    measuredAt: r?.measuredAt ?? new Date().toISOString().slice(0, 10),
    comment: r?.comment ?? '',
  });
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) =>
    setV((o) => ({ ...o, [k]: e.target.value }));
  const submit = () => {
    const nums = {
      quantityPerYear: numberOrNull(v.quantityPerYear),
      eurPerYear: numberOrNull(v.eurPerYear),
      tco2ePerYear: numberOrNull(v.tco2ePerYear),
      jobsCreated: numberOrNull(v.jobsCreated),
      jobsKept: numberOrNull(v.jobsKept),
    };
    const bad: Record<string, string> = {};
    for (const [k, n] of Object.entries(nums)) if (Number.isNaN(n)) bad[k] = 'nombre attendu';
    setLocal(bad);
    if (Object.keys(bad).length > 0) return;
    const body: RealisedGainsBody = {
      ...nums,
      unit: v.unit || null,
      measuredAt: v.measuredAt,
      comment: v.comment.trim() || null,
    };
    setBusy(true);
    setError(null);
    lifecycle
      .setRealisedGains(synergy.id, body)
      .then(onDone)
      .catch(setError)
      .finally(() => setBusy(false));
  };
  const apiFields = error instanceof ApiError ? error.fields : {};
  const err = (k: string) => local[k] ?? apiFields[k];
  return (
    <form
      className="form wide"
      aria-label="Gains réalisés"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <ErrorBanner error={error} />
      <div className="row">
        <Field
          label="Quantité échangée / an"
          inputMode="decimal"
          value={v.quantityPerYear}
          onChange={set('quantityPerYear')}
          error={err('quantityPerYear')}
        />
        <div className="field">
          <label htmlFor="rg-unit">Unité</label>
          <select id="rg-unit" value={v.unit} onChange={set('unit')}>
            <option value="">—</option>
            {UNIT_CODES.map((u) => (
              <option key={u} value={u}>
                {unitLabel(u)}
              </option>
            ))}
          </select>
        </div>
        <Field
          label="Économies (€ / an)"
          inputMode="decimal"
          value={v.eurPerYear}
          onChange={set('eurPerYear')}
          error={err('eurPerYear')}
        />
        <Field
          label="tCO₂e évitées / an"
          inputMode="decimal"
          value={v.tco2ePerYear}
          onChange={set('tco2ePerYear')}
          error={err('tco2ePerYear')}
        />
      </div>
      <div className="row">
        <Field
          label="Emplois créés"
          inputMode="numeric"
          value={v.jobsCreated}
          onChange={set('jobsCreated')}
          error={err('jobsCreated')}
        />
        <Field
          label="Emplois maintenus"
          inputMode="numeric"
          value={v.jobsKept}
          onChange={set('jobsKept')}
          error={err('jobsKept')}
        />
        <Field
          label="Date de la mesure"
          type="date"
          required
          value={v.measuredAt}
          onChange={set('measuredAt')}
          error={err('measuredAt')}
        />
        <div className="field grow">
          <label htmlFor="rg-comment">Commentaire</label>
          <input id="rg-comment" maxLength={2000} value={v.comment} onChange={set('comment')} />
        </div>
      </div>
      <button type="submit" className="primary" disabled={busy || !v.measuredAt}>
        Enregistrer les gains réalisés
      </button>
    </form>
  );
}

function EventItem({
  e,
  reference,
}: {
  e: SynergyEvent;
  reference: LifecycleReference | undefined;
}) {
  const label = (code: SynergyStatus) =>
    reference?.statuses.find((st) => st.code === code)?.labelFr ?? STATUS_LABELS[code];
  const reason = e.reasonCode
    ? (reference?.reasons.find((r) => r.code === e.reasonCode)?.labelFr ?? e.reasonCode)
    : null;
  // A company's answer is written with the status unchanged: only its comment says something.
  const answer = e.fromStatus !== null && e.fromStatus === e.toStatus;
  return (
    <li>
      {fmtDateTime(e.at)} —{' '}
      {answer ? (
        <>{e.comment}</>
      ) : (
        <>
          {e.fromStatus ? label(e.fromStatus) : 'création'} → {label(e.toStatus)}
          {reason && ` (${reason})`}
          {e.actor ? `, par ${e.actor.displayName}` : e.runId ? ', par le moteur' : ''}
          {e.comment && <div className="muted">« {e.comment} »</div>}
        </>
      )}
    </li>
  );
}

export function SynergyPage() {
  const { id } = useParams() as { id: string };
  const synergy = useAsync(() => api.get<Synergy>(`/synergies/${id}`), [id]);
  const events = useAsync(() => lifecycle.events(id), [id]);
  const reference = useAsync(() => lifecycle.reference(), []);
  const [updated, setUpdated] = useState<Synergy | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const s = updated?.id === id ? updated : synergy.data;
  useTitle(s ? `Synergie — ${s.resourceLabel ?? s.resourceCode}` : 'Synergie');
  if (synergy.error) return <ErrorBanner error={synergy.error} />;
  if (!s) return <Loading />;
  const b = (s.scoreBreakdown ?? {}) as Partial<ScoreBreakdown>;
  const g = gainsOf(s);
  return (
    <>
      <p>
        <Link to="/synergies">← Toutes les synergies</Link>
      </p>
      <div className="page-head">
        <h1>
          {TYPE_LABELS[s.type]} — {s.resourceLabel ?? s.resourceCode}
        </h1>
        <StatusBadge status={s.status} />
      </div>
      {updated?.id === id && notice && <Notice>{notice}</Notice>}
      <p className="lead">{s.explanationFr}</p>
      <div className="grid-2">
        <section aria-labelledby="part-title">
          <h2 id="part-title">Participants</h2>
          <ul>
            {s.participants.map((p) => (
              <li key={`${p.role}-${p.companyId}`}>
                {ROLE_LABELS[p.role]} :{' '}
                <Link to={`/entreprises/${p.companyId}`}>{p.companyName}</Link>{' '}
                <span className="muted">({p.sectorLabel})</span>
              </li>
            ))}
          </ul>
          <dl className="facts">
            <dt>Quantité</dt>
            <dd>
              {fmt(s.quantityPerYear)} {s.unit ?? ''} / an
            </dd>
            <dt>Distance</dt>
            <dd>{s.distanceKm == null ? '—' : `${fmt(s.distanceKm)} km`}</dd>
            <dt>Règle</dt>
            <dd className="mono">{s.ruleId ?? 'correspondance exacte'}</dd>
          </dl>
        </section>
        <section aria-labelledby="score-title">
          <h2 id="score-title">Score : {fmt(s.score, 2)}</h2>
          <table>
            <caption className="sr-only">Facteurs du score (produit des facteurs)</caption>
            <tbody>
              {FACTORS.map(([k, label]) => {
                const v = b[k];
                return (
                  <tr key={k}>
                    <th scope="row">{label}</th>
                    <td className="bar-cell">
                      <span className="bar" style={{ width: `${Math.round((v ?? 0) * 100)}%` }} />
                    </td>
                    <td className="num">{fmt(v ?? null, 2)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {b.notes && b.notes.length > 0 && (
            <ul className="small">
              {b.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section aria-labelledby="gains-title">
        <h2 id="gains-title">Gains estimés</h2>
        <dl className="kpis">
          <div>
            <dt>Tonnes détournées / an</dt>
            <dd>{fmt(g.tonnesDivertedPerYear)}</dd>
          </div>
          <div>
            <dt>tCO₂e évitées / an</dt>
            <dd>{fmt(g.tco2eAvoidedPerYear)}</dd>
          </div>
          <div>
            <dt>Économies / an</dt>
            <dd>{fmtEur(g.eurPerYear)}</dd>
          </div>
        </dl>
        {g.factors && g.factors.length > 0 && (
          <table className="list">
            <caption>Facteurs utilisés et sources</caption>
            <thead>
              <tr>
                <th scope="col">Facteur</th>
                <th scope="col">Appliqué à</th>
                <th scope="col">tCO₂e</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {g.factors.map((f) => (
                <tr key={f.key + f.appliedTo}>
                  <td>
                    {f.label} ({fmt(f.value, 2)} {f.unit})
                  </td>
                  <td>{f.appliedTo}</td>
                  <td className="num">{fmt(f.tco2e, 2)}</td>
                  <td className="small">{f.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {g.assumptions && g.assumptions.length > 0 && (
          <>
            <h3>Hypothèses</h3>
            <ul className="small">
              {g.assumptions.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ul>
          </>
        )}
      </section>
      {(STATUSES_WITH_REALISED_GAINS as readonly string[]).includes(s.status) && (
        <section aria-labelledby="realised-title">
          <h2 id="realised-title">Gains réalisés</h2>
          {s.realisedGains ? (
            <p>
              Mesure du {fmtDate(s.realisedGains.measuredAt)}
              {s.realisedGains.recordedBy &&
                `, saisie par ${s.realisedGains.recordedBy.displayName}`}{' '}
              le {fmtDateTime(s.realisedGains.recordedAt)}.
            </p>
          ) : (
            <p className="muted">Pas encore de mesure : saisissez les premiers chiffres.</p>
          )}
          <RealisedGainsForm
            key={`${s.id}-${s.realisedGains?.recordedAt ?? 'none'}`}
            synergy={s}
            onDone={(next) => {
              setUpdated(next);
              setNotice('Gains réalisés enregistrés.');
            }}
          />
        </section>
      )}
      <section aria-labelledby="life-title">
        <h2 id="life-title">Suivi</h2>
        <ErrorBanner error={reference.error} />
        {reference.data && (
          <Transition
            synergy={s}
            reference={reference.data}
            onDone={(next) => {
              setUpdated(next);
              setNotice(
                `État enregistré : ${
                  reference.data?.statuses.find((st) => st.code === next.status)?.labelFr ??
                  STATUS_LABELS[next.status]
                }.`,
              );
              events.reload();
            }}
          />
        )}
        <h3>Historique</h3>
        <ErrorBanner error={events.error} />
        {events.data && events.data.items.length > 0 ? (
          <ol className="timeline" aria-label="Historique">
            {events.data.items.map((e) => (
              <EventItem key={e.id} e={e} reference={reference.data} />
            ))}
          </ol>
        ) : (
          events.data && <p className="muted">Aucun événement.</p>
        )}
      </section>
    </>
  );
}
