// Synergies to chase: qualified, under study or in progress with no event for 90 days
// (GET /territories/{id}/follow-up), the oldest first.
import { useState } from 'react';
import { Link } from 'react-router';
import { useTerritory } from '../auth.tsx';
import { ErrorBanner, Loading, StatusBadge } from '../components.tsx';
import { lifecycle, type FollowUpItem } from '../contract.ts';
import { useAsync, useTitle } from '../hooks.ts';
import { TYPE_LABELS, fmtDate } from '../labels.ts';

const PERIODS = [30, 60, 90, 180, 365] as const;

export function FollowUpPage() {
  useTitle('Suivi');
  const territory = useTerritory();
  const [days, setDays] = useState<number>(90);
  const [more, setMore] = useState<{ items: FollowUpItem[]; cursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const list = useAsync(() => {
    setMore(null);
    return lifecycle.followUp(territory.id, { days, limit: 50 });
  }, [territory.id, days]);
  const items = [...(list.data?.items ?? []), ...(more?.items ?? [])];
  const cursor = more ? more.cursor : (list.data?.nextCursor ?? null);
  return (
    <>
      <h1>Synergies à relancer</h1>
      <p className="muted">
        Pistes qualifiées, à l’étude ou en cours sans aucun événement depuis {days} jours, les plus
        anciennes d’abord.
      </p>
      <div className="filters">
        <div className="field">
          <label htmlFor="fu-days">Sans nouvelles depuis</label>
          <select id="fu-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                {d} jours
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorBanner error={list.error ?? moreError} />
      {list.loading && !list.data && <Loading />}
      {list.data && items.length === 0 && <p>Tout est à jour : aucune piste sans nouvelles.</p>}
      {items.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Synergie</th>
              <th scope="col">Participants</th>
              <th scope="col">État</th>
              <th scope="col">Dernier événement</th>
              <th scope="col">Sans nouvelles</th>
            </tr>
          </thead>
          <tbody>
            {items.map(({ synergy: s, lastEventAt, daysWithoutEvent }) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/synergies/${s.id}`}>
                    {TYPE_LABELS[s.type]} — {s.resourceLabel ?? s.resourceCode}
                  </Link>
                </td>
                <td>{s.participants.map((p) => p.companyName).join(', ')}</td>
                <td>
                  <StatusBadge status={s.status} />
                </td>
                <td>{fmtDate(lastEventAt)}</td>
                <td className="num">{daysWithoutEvent} j</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <p className="pager">
          <button
            type="button"
            onClick={() => {
              setMoreError(null);
              lifecycle
                .followUp(territory.id, { days, limit: 50, cursor })
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
        </p>
      )}
    </>
  );
}
