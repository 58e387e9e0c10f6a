// Synergies without news for 90 days (lifecycle contract: GET /territories/{id}/follow-up).
import { Link } from 'react-router';
import { useTerritory } from '../auth.tsx';
import { Loading, PendingAware, StatusBadge } from '../components.tsx';
import { lifecycle } from '../contract.ts';
import { useAsync, useTitle } from '../hooks.ts';
import { TYPE_LABELS, fmtDate } from '../labels.ts';

export function FollowUpPage() {
  useTitle('Suivi');
  const territory = useTerritory();
  const list = useAsync(() => lifecycle.followUp(territory.id), [territory.id]);
  return (
    <>
      <h1>Synergies sans nouvelles</h1>
      <p className="muted">Pistes ouvertes sans aucun événement depuis 90 jours.</p>
      <PendingAware error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <p>Tout est à jour.</p>}
      {list.data && list.data.items.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Synergie</th>
              <th scope="col">Participants</th>
              <th scope="col">État</th>
              <th scope="col">Dernière mise à jour</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/synergies/${s.id}`}>
                    {TYPE_LABELS[s.type]} — {s.resourceLabel ?? s.resourceCode}
                  </Link>
                </td>
                <td>{s.participants?.map((p) => p.companyName).join(', ')}</td>
                <td>
                  <StatusBadge status={s.status} />
                </td>
                <td>{fmtDate(s.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
