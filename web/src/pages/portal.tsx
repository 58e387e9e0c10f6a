// Company user: its proposals with anonymous counterparts, answers, notifications
// (portal contract), and its current diagnostic (existing API).
import { useState } from 'react';
import { api } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { ErrorBanner, Loading, PendingAware, StatusBadge, displayCode } from '../components.tsx';
import {
  REJECTION_REASONS,
  portal,
  type Answer,
  type CompanySynergy,
  type RejectionReason,
} from '../contract.ts';
import { useAsync, useTitle } from '../hooks.ts';
import {
  KIND_LABELS,
  PERIOD_LABELS,
  REASON_LABELS,
  ROLE_LABELS,
  TYPE_LABELS,
  fmt,
  fmtDate,
  fmtDateTime,
} from '../labels.ts';
import type { Company, Diagnostic, DiagnosticSummary } from '../types.ts';

const ANSWER_LABELS: Record<Answer, string> = {
  accept: 'Intéressé',
  decline: 'Pas intéressé',
  introduce: 'Mise en relation demandée',
};

function useCompanyId(): string {
  const { me } = useAuth();
  if (!me?.companyId) throw new Error('compte sans entreprise');
  return me.companyId;
}

function ProposalCard({
  s,
  companyId,
  onChange,
}: {
  s: CompanySynergy;
  companyId: string;
  onChange: (s: CompanySynergy) => void;
}) {
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState<RejectionReason | ''>('');
  const [error, setError] = useState<unknown>(null);
  const send = (answer: Answer, reasonCode?: RejectionReason) => {
    setError(null);
    portal
      .answer(companyId, s.id, { answer, ...(reasonCode ? { reasonCode } : {}) })
      .then((next) => {
        setDeclining(false);
        onChange(next);
      })
      .catch(setError);
  };
  const titleId = `p-${s.id}`;
  return (
    <article className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {TYPE_LABELS[s.type]} — {s.resourceLabel ?? s.resourceCode}
      </h2>
      <p>
        <StatusBadge status={s.status} /> Votre rôle : {ROLE_LABELS[s.myRole]} ·{' '}
        {fmt(s.quantityPerYear)} {s.unit ?? ''} / an
      </p>
      <p className="lead">{s.summaryFr}</p>
      <h3>Contreparties</h3>
      <ul>
        {s.counterparts.map((c, i) => (
          <li key={i}>
            {c.identity ? <strong>{c.identity.name}</strong> : <span>Entreprise anonyme</span>} —{' '}
            {ROLE_LABELS[c.role]}, secteur {c.sectorLabel}
            {c.zoneName && `, ${c.zoneName}`}
            {c.distanceBand && `, à ${c.distanceBand}`}
            {c.answer && ` · réponse : ${ANSWER_LABELS[c.answer]}`}
            {c.identity && (
              <div className="small">
                SIRET {c.identity.siret}
                {c.identity.address && ` · ${c.identity.address}`}
                {c.identity.contactEmail && ` · ${c.identity.contactEmail}`}
                {c.identity.contactPhone && ` · ${c.identity.contactPhone}`}
              </div>
            )}
          </li>
        ))}
      </ul>
      <p>Votre réponse : {s.myAnswer ? ANSWER_LABELS[s.myAnswer] : 'aucune pour l’instant'}</p>
      <PendingAware error={error} />
      <div className="actions">
        <button type="button" className="primary" onClick={() => send('accept')}>
          Accepter
        </button>
        <button type="button" onClick={() => send('introduce')}>
          Demander une mise en relation
        </button>
        <button type="button" onClick={() => setDeclining((d) => !d)} aria-expanded={declining}>
          Décliner
        </button>
      </div>
      {declining && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason) send('decline', reason);
          }}
        >
          <div className="field">
            <label htmlFor={`r-${s.id}`}>Motif du refus</label>
            <select
              id={`r-${s.id}`}
              required
              value={reason}
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
          <button type="submit" disabled={!reason}>
            Confirmer le refus
          </button>
        </form>
      )}
    </article>
  );
}

export function PortalHomePage() {
  useTitle('Mes propositions');
  const companyId = useCompanyId();
  const company = useAsync(() => api.get<Company>(`/companies/${companyId}`), [companyId]);
  const list = useAsync(() => portal.synergies(companyId), [companyId]);
  const notes = useAsync(() => portal.notifications(companyId), [companyId]);
  const [changed, setChanged] = useState<Record<string, CompanySynergy>>({});
  return (
    <>
      <h1>Mes propositions{company.data && ` — ${company.data.name}`}</h1>
      <div className="grid-2 wide-left">
        <section aria-label="Propositions">
          <PendingAware error={list.error} />
          {list.loading && !list.data && <Loading />}
          {list.data && list.data.items.length === 0 && (
            <p className="muted">Aucune proposition pour l’instant.</p>
          )}
          {list.data?.items.map((s) => (
            <ProposalCard
              key={s.id}
              s={changed[s.id] ?? s}
              companyId={companyId}
              onChange={(n) => setChanged((c) => ({ ...c, [n.id]: n }))}
            />
          ))}
        </section>
        <section aria-labelledby="n-title">
          <h2 id="n-title">
            Notifications{notes.data && notes.data.unread > 0 && ` (${notes.data.unread} non lues)`}
          </h2>
          <PendingAware error={notes.error} />
          <ul className="notifications">
            {notes.data?.items.map((n) => (
              <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
                <div>{n.textFr}</div>
                <div className="small muted">{fmtDateTime(n.createdAt)}</div>
                {!n.readAt && (
                  <button
                    type="button"
                    className="link"
                    onClick={() => void portal.markRead(n.id).then(notes.reload)}
                  >
                    Marquer comme lue
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}

export function PortalDiagnosticPage() {
  useTitle('Mon diagnostic');
  const companyId = useCompanyId();
  const current = useAsync(async () => {
    const list = await api.get<{ items: DiagnosticSummary[] }>(
      `/companies/${companyId}/diagnostics`,
    );
    const v = list.items.find((d) => d.status === 'validated');
    return v ? api.get<Diagnostic>(`/diagnostics/${v.id}`) : null;
  }, [companyId]);
  return (
    <>
      <h1>Mon diagnostic</h1>
      <ErrorBanner error={current.error} />
      {current.loading && <Loading />}
      {current.data === null && (
        <p className="muted">
          Aucun diagnostic validé : votre chargé(e) de mission le saisira après sa visite.
        </p>
      )}
      {current.data && (
        <>
          <p>
            Version {current.data.version}, visite du {fmtDate(current.data.visitedAt)}, validée le{' '}
            {fmtDate(current.data.validatedAt)}.
          </p>
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Ressource</th>
                <th scope="col">Libellé</th>
                <th scope="col">Quantité</th>
                <th scope="col">Annualisé</th>
              </tr>
            </thead>
            <tbody>
              {current.data.flows.map((f) => (
                <tr key={f.id}>
                  <td>{KIND_LABELS[f.kind]}</td>
                  <td>
                    <span className="mono">{displayCode(f.resourceCode)}</span> {f.resourceLabel}
                  </td>
                  <td>{f.label ?? '—'}</td>
                  <td className="num">
                    {fmt(f.quantity)} {f.unit ?? ''}{' '}
                    {f.period && PERIOD_LABELS[f.period as keyof typeof PERIOD_LABELS]}
                  </td>
                  <td className="num">
                    {fmt(f.quantityPerYear)} {f.canonicalUnit ?? ''}/an
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
