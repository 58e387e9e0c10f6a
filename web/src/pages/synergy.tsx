import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api.ts';
import { ErrorBanner, Loading, Notice, PendingAware, StatusBadge } from '../components.tsx';
import { REJECTION_REASONS, lifecycle, type RejectionReason } from '../contract.ts';
import { useAsync, useTitle } from '../hooks.ts';
import {
  NEXT_STATUSES,
  REASON_LABELS,
  ROLE_LABELS,
  STATUS_LABELS,
  TYPE_LABELS,
  fmt,
  fmtDateTime,
  fmtEur,
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

function Transition({ synergy, onDone }: { synergy: Synergy; onDone: (s: Synergy) => void }) {
  const options = NEXT_STATUSES[synergy.status];
  const [to, setTo] = useState<SynergyStatus | ''>('');
  const [reason, setReason] = useState<RejectionReason | ''>('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (options.length === 0) return <p className="muted">Aucune action possible dans cet état.</p>;
  const needsReason = to === 'rejected' || to === 'abandoned';
  return (
    <form
      className="form"
      aria-label="Changer l’état"
      onSubmit={(e) => {
        e.preventDefault();
        if (!to || (needsReason && !reason)) return;
        setBusy(true);
        setError(null);
        lifecycle
          .transition(synergy.id, {
            to,
            ...(reason && needsReason ? { reasonCode: reason } : {}),
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
      <PendingAware error={error} />
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
            {options.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        {needsReason && (
          <div className="field">
            <label htmlFor="t-reason">Motif</label>
            <select
              id="t-reason"
              value={reason}
              required
              onChange={(e) => setReason(e.target.value as RejectionReason)}
            >
              <option value="">Choisir…</option>
              {REJECTION_REASONS.map((r) => (
                <option key={r} value={r}>
                  {REASON_LABELS[r]}
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
      <button type="submit" className="primary" disabled={busy || !to || (needsReason && !reason)}>
        Changer l’état
      </button>
    </form>
  );
}

export function SynergyPage() {
  const { id } = useParams() as { id: string };
  const synergy = useAsync(() => api.get<Synergy>(`/synergies/${id}`), [id]);
  const events = useAsync(() => lifecycle.events(id), [id]);
  const [updated, setUpdated] = useState<Synergy | null>(null);
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
      {updated && <Notice>État enregistré : {STATUS_LABELS[updated.status]}.</Notice>}
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
      <section aria-labelledby="life-title">
        <h2 id="life-title">Suivi</h2>
        <Transition
          synergy={s}
          onDone={(next) => {
            setUpdated(next);
            events.reload();
          }}
        />
        <h3>Historique</h3>
        {events.error ? (
          <PendingAware error={events.error} />
        ) : events.data && events.data.items.length > 0 ? (
          <ol className="timeline">
            {events.data.items.map((e) => (
              <li key={e.id}>
                {fmtDateTime(e.at)} — {e.fromStatus ? STATUS_LABELS[e.fromStatus] : 'création'} →{' '}
                {STATUS_LABELS[e.toStatus]}
                {e.reasonCode && ` (${REASON_LABELS[e.reasonCode]})`}
                {e.actor && `, par ${e.actor.displayName}`}
                {e.comment && <div className="muted">« {e.comment} »</div>}
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">Aucun événement.</p>
        )}
      </section>
    </>
  );
}
