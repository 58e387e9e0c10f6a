import { Link, useParams } from 'react-router';
import { api } from '../api.ts';
import { useTerritory } from '../auth.tsx';
import { ErrorBanner, Loading, StatusBadge } from '../components.tsx';
import { useAsync, useTitle } from '../hooks.ts';
import { HEADCOUNT_LABELS, TYPE_LABELS, fmt, fmtDate, fmtDateTime } from '../labels.ts';
import type { Company, DiagnosticSummary, Page, Synergy } from '../types.ts';

export function CompanyDetailPage() {
  const { id } = useParams() as { id: string };
  const territory = useTerritory();
  const company = useAsync(() => api.get<Company>(`/companies/${id}`), [id]);
  const diagnostics = useAsync(
    () => api.get<{ items: DiagnosticSummary[] }>(`/companies/${id}/diagnostics`),
    [id],
  );
  const synergies = useAsync(
    () =>
      api.get<Page<Synergy>>(`/territories/${territory.id}/synergies`, {
        companyId: id,
        limit: 50,
      }),
    [id, territory.id],
  );
  const c = company.data;
  useTitle(c?.name ?? 'Entreprise');
  if (company.error) return <ErrorBanner error={company.error} />;
  if (!c) return <Loading />;
  const draft = diagnostics.data?.items.find((d) => d.status === 'draft');
  return (
    <>
      <div className="page-head">
        <h1>{c.name}</h1>
        <div className="actions">
          <Link className="button" to={`/entreprises/${c.id}/modifier`}>
            Modifier
          </Link>
          <Link className="button primary" to={`/entreprises/${c.id}/diagnostic`}>
            {draft ? 'Reprendre le diagnostic en cours' : 'Saisir un diagnostic'}
          </Link>
        </div>
      </div>
      <dl className="facts">
        <dt>SIRET</dt>
        <dd className="mono">{c.siret}</dd>
        <dt>Activité</dt>
        <dd>
          <span className="mono">{c.nafCode}</span> {c.nafLabel}
        </dd>
        <dt>Effectif</dt>
        <dd>{c.headcountBand ? HEADCOUNT_LABELS[c.headcountBand] : '—'}</dd>
        <dt>Adresse</dt>
        <dd>{c.address ?? '—'}</dd>
        <dt>Zone</dt>
        <dd>{c.zoneName ?? 'hors zone'}</dd>
        <dt>ESS</dt>
        <dd>{c.isEss ? 'oui' : 'non'}</dd>
        <dt>Consentements</dt>
        <dd>
          identité {c.consentShareIdentity ? 'partagée' : 'non partagée'}, flux{' '}
          {c.consentShareFlows ? 'partagés' : 'non partagés'}
        </dd>
      </dl>

      <h2>Diagnostics</h2>
      <ErrorBanner error={diagnostics.error} />
      {diagnostics.data && diagnostics.data.items.length === 0 && (
        <p className="muted">Aucun diagnostic saisi.</p>
      )}
      {diagnostics.data && diagnostics.data.items.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">État</th>
              <th scope="col">Visite</th>
              <th scope="col">Flux</th>
              <th scope="col">Mis à jour</th>
            </tr>
          </thead>
          <tbody>
            {diagnostics.data.items.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link to={`/diagnostics/${d.id}`}>Version {d.version}</Link>
                </td>
                <td>
                  {d.status === 'draft'
                    ? 'Brouillon'
                    : d.status === 'validated'
                      ? 'Validé'
                      : 'Remplacé'}
                </td>
                <td>{fmtDate(d.visitedAt)}</td>
                <td className="num">{d.flowCount}</td>
                <td>{fmtDateTime(d.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Synergies impliquant l’entreprise</h2>
      <ErrorBanner error={synergies.error} />
      {synergies.data && synergies.data.items.length === 0 && (
        <p className="muted">Aucune synergie pour l’instant.</p>
      )}
      {synergies.data && synergies.data.items.length > 0 && (
        <ul className="cards">
          {synergies.data.items.map((s) => (
            <li key={s.id}>
              <Link to={`/synergies/${s.id}`}>
                {TYPE_LABELS[s.type]} — {s.resourceLabel ?? s.resourceCode}
              </Link>{' '}
              <StatusBadge status={s.status} />{' '}
              <span className="muted">score {fmt(s.score, 2)}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
