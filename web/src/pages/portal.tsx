// Company user: its proposals with anonymous counterparts, answers, notifications,
// its working groups (company portal API), and its current diagnostic.
import { useState } from 'react';
import { api } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { ErrorBanner, Loading, StatusBadge, displayCode } from '../components.tsx';
import {
  lifecycle,
  portal,
  workingGroups,
  type Answer,
  type CompanySynergy,
  type LifecycleReference,
  type RejectionReason,
} from '../contract.ts';
import { useAsync, useTitle } from '../hooks.ts';
import {
  KIND_LABELS,
  PERIOD_LABELS,
  ROLE_LABELS,
  TYPE_LABELS,
  fmt,
  fmtDate,
  fmtDateTime,
  fmtEur,
  unitLabel,
} from '../labels.ts';
import type { Company, Diagnostic, DiagnosticSummary } from '../types.ts';

const ANSWER_LABELS: Record<Answer, string> = {
  accept: 'Intéressé',
  decline: 'Pas intéressé',
  introduce: 'Mise en relation demandée',
};

const CLOSED = new Set(['rejected', 'abandoned']);

function useCompanyId(): string {
  const { me } = useAuth();
  if (!me?.companyId) throw new Error('compte sans entreprise');
  return me.companyId;
}

function ProposalCard({
  s,
  companyId,
  reference,
  onChange,
}: {
  s: CompanySynergy;
  companyId: string;
  reference: LifecycleReference | undefined;
  onChange: (s: CompanySynergy) => void;
}) {
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState<RejectionReason | ''>('');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const send = (answer: Answer) => {
    setError(null);
    setBusy(true);
    portal
      .answer(companyId, s.id, {
        answer,
        ...(answer === 'decline' && reason ? { reasonCode: reason } : {}),
        ...(answer === 'decline' && comment.trim() ? { comment: comment.trim() } : {}),
      })
      .then((next) => {
        setDeclining(false);
        onChange(next);
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };
  const titleId = `p-${s.id}`;
  const closed = CLOSED.has(s.status);
  const g = s.estimatedGains;
  return (
    <article className="card" aria-labelledby={titleId} id={`proposition-${s.id}`}>
      <h2 id={titleId}>
        {TYPE_LABELS[s.type]} — {s.resourceLabel ?? s.resourceCode}
      </h2>
      <p>
        <StatusBadge status={s.status} /> Votre rôle : {ROLE_LABELS[s.myRole]}
        {s.quantityPerYear !== null && ` · ${fmt(s.quantityPerYear)} ${unitLabel(s.unit)} / an`}
      </p>
      <p className="lead">{s.summaryFr}</p>
      {g && (g.tonnesDivertedPerYear ?? g.tco2eAvoidedPerYear ?? g.eurPerYear) !== null && (
        <dl className="kpis" aria-label="Gains estimés">
          <div>
            <dt>Tonnes détournées / an</dt>
            <dd>{fmt(g.tonnesDivertedPerYear)}</dd>
          </div>
          <div>
            <dt>tCO₂e évitées / an</dt>
            <dd>{fmt(g.tco2eAvoidedPerYear)}</dd>
          </div>
          <div>
            <dt>Économies / an (estimation)</dt>
            <dd>{fmtEur(g.eurPerYear)}</dd>
          </div>
        </dl>
      )}
      <h3>{s.counterparts.length > 1 ? 'Autres entreprises' : 'Contrepartie'}</h3>
      <ul>
        {s.counterparts.map((c, i) => (
          <li key={i}>
            {c.identity ? <strong>{c.identity.name}</strong> : <span>Entreprise anonyme</span>} —{' '}
            {ROLE_LABELS[c.role]}, secteur « {c.sectorLabel} »{c.zoneName && `, ${c.zoneName}`}
            {c.distanceBand && `, à ${c.distanceBand}`}
            {c.quantityPerYear !== null && `, ${fmt(c.quantityPerYear)} ${unitLabel(c.unit)} / an`}
            {c.answer && ` · sa réponse : ${ANSWER_LABELS[c.answer]}`}
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
      {s.introduced ? (
        <p className="banner banner-ok">
          Mise en relation faite : les coordonnées des entreprises qui l’ont aussi demandée sont
          ci-dessus.
        </p>
      ) : (
        s.myAnswer === 'introduce' && (
          <p className="muted small">
            Les coordonnées s’afficheront quand l’autre entreprise aura aussi demandé la mise en
            relation.
          </p>
        )
      )}
      <p>Votre réponse : {s.myAnswer ? ANSWER_LABELS[s.myAnswer] : 'aucune pour l’instant'}</p>
      <ErrorBanner error={error} />
      {closed ? (
        <p className="muted">Cette piste est close : elle n’attend plus de réponse.</p>
      ) : (
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={busy || s.myAnswer === 'accept'}
            onClick={() => send('accept')}
          >
            Je suis intéressé
          </button>
          <button
            type="button"
            disabled={busy || s.myAnswer === 'introduce'}
            onClick={() => send('introduce')}
          >
            Demander une mise en relation
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => setDeclining((d) => !d)}
            aria-expanded={declining}
          >
            Décliner
          </button>
        </div>
      )}
      {declining && !closed && (
        <form
          className="row"
          aria-label="Décliner la proposition"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason) send('decline');
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
              {reference?.reasons.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.labelFr}
                </option>
              ))}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor={`c-${s.id}`}>Commentaire (facultatif)</label>
            <input
              id={`c-${s.id}`}
              maxLength={2000}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
            />
          </div>
          <button type="submit" disabled={busy || !reason}>
            Confirmer le refus
          </button>
        </form>
      )}
    </article>
  );
}

function Notifications({ companyId, version }: { companyId: string; version: number }) {
  const [limit, setLimit] = useState(20);
  const notes = useAsync(
    () => portal.notifications(companyId, { limit }),
    [companyId, limit, version],
  );
  const [error, setError] = useState<unknown>(null);
  const d = notes.data;
  return (
    <section aria-labelledby="n-title">
      <h2 id="n-title">
        Notifications{d && d.unread > 0 && ` (${d.unread} non lue${d.unread > 1 ? 's' : ''})`}
      </h2>
      <ErrorBanner error={notes.error ?? error} />
      {d && d.items.length === 0 && <p className="muted">Aucune notification.</p>}
      <ul className="notifications">
        {d?.items.map((n) => (
          <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
            <div>
              <a href={`#proposition-${n.synergyId}`}>{n.textFr}</a>
            </div>
            <div className="small muted">{fmtDateTime(n.createdAt)}</div>
            {!n.readAt && (
              <button
                type="button"
                className="link"
                onClick={() => {
                  setError(null);
                  portal.markRead(n.id).then(notes.reload).catch(setError);
                }}
              >
                Marquer comme lue
              </button>
            )}
          </li>
        ))}
      </ul>
      {d && d.items.length >= limit && limit < 200 && (
        <button type="button" onClick={() => setLimit(200)}>
          Voir les plus anciennes
        </button>
      )}
    </section>
  );
}

function MyWorkingGroups({ companyId }: { companyId: string }) {
  const groups = useAsync(() => workingGroups.ofCompany(companyId), [companyId]);
  if (!groups.data?.items.length && !groups.error) return null;
  return (
    <section aria-labelledby="wg-title">
      <h2 id="wg-title">Mes groupes de travail</h2>
      <ErrorBanner error={groups.error} />
      <ul className="cards">
        {groups.data?.items.map((g) => (
          <li key={g.id}>
            <strong>{g.name}</strong> <span className="muted">· {g.themeLabelFr}</span>
            <div className="small muted">
              {g.memberCount} entreprises
              {g.lastMeetingOn && ` · dernière réunion le ${fmtDate(g.lastMeetingOn)}`}
              {g.status === 'closed' && ' · clos'}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function PortalHomePage() {
  useTitle('Mes propositions');
  const companyId = useCompanyId();
  const company = useAsync(() => api.get<Company>(`/companies/${companyId}`), [companyId]);
  const list = useAsync(() => portal.synergies(companyId, { limit: 50 }), [companyId]);
  const reference = useAsync(() => lifecycle.reference(), []);
  const [changed, setChanged] = useState<Record<string, CompanySynergy>>({});
  const [more, setMore] = useState<{ items: CompanySynergy[]; cursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const [answers, setAnswers] = useState(0);
  const items = [...(list.data?.items ?? []), ...(more?.items ?? [])];
  const cursor = more ? more.cursor : (list.data?.nextCursor ?? null);
  return (
    <>
      <h1>Mes propositions{company.data && ` — ${company.data.name}`}</h1>
      <p className="muted">
        Les autres entreprises restent anonymes tant que vous n’avez pas, l’une et l’autre, demandé
        la mise en relation.
      </p>
      <div className="grid-2 wide-left">
        <section aria-label="Propositions">
          <ErrorBanner error={list.error ?? moreError} />
          {list.loading && !list.data && <Loading />}
          {list.data && items.length === 0 && (
            <p className="muted">Aucune proposition pour l’instant.</p>
          )}
          {items.map((s) => (
            <ProposalCard
              key={s.id}
              s={changed[s.id] ?? s}
              companyId={companyId}
              reference={reference.data}
              onChange={(n) => {
                setChanged((c) => ({ ...c, [n.id]: n }));
                setAnswers((a) => a + 1);
              }}
            />
          ))}
          {cursor && (
            <button
              type="button"
              onClick={() => {
                setMoreError(null);
                portal
                  .synergies(companyId, { limit: 50, cursor })
                  .then((p) =>
                    setMore((m) => ({
                      items: [...(m?.items ?? []), ...p.items],
                      cursor: p.nextCursor,
                    })),
                  )
                  .catch(setMoreError);
              }}
            >
              Voir plus
            </button>
          )}
        </section>
        <div>
          <Notifications companyId={companyId} version={answers} />
          <MyWorkingGroups companyId={companyId} />
        </div>
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
