import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api.ts';
import { useTerritory } from '../auth.tsx';
import { ErrorBanner, Loading } from '../components.tsx';
import { useAsync, useDebounced, useTitle } from '../hooks.ts';
import type { Company, Page, ZoneFeatureCollection } from '../types.ts';

export function CompaniesPage() {
  useTitle('Entreprises');
  const territory = useTerritory();
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const [naf, setNaf] = useState(params.get('naf') ?? '');
  const zoneId = params.get('zone') ?? '';
  const ess = params.get('ess') ?? '';
  const [cursor, setCursor] = useState<string | null>(null);
  const dq = useDebounced(q, 250);
  const dnaf = useDebounced(naf, 250);
  const zones = useAsync(
    () => api.get<ZoneFeatureCollection>(`/territories/${territory.id}/zones`),
    [territory.id],
  );
  const list = useAsync(
    (signal) =>
      api.get<Page<Company>>(
        `/territories/${territory.id}/companies`,
        {
          q: dq.trim() || undefined,
          naf: /^[0-9A-Za-z.]{1,6}$/.test(dnaf.trim()) ? dnaf.trim() : undefined,
          zoneId: zoneId || undefined,
          isEss: ess || undefined,
          limit: 50,
          cursor,
        },
        signal,
      ),
    [territory.id, dq, dnaf, zoneId, ess, cursor],
  );
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
    setCursor(null);
  };
  return (
    <>
      <div className="page-head">
        <h1>Entreprises</h1>
        <Link className="button primary" to="/entreprises/nouvelle">
          Nouvelle entreprise
        </Link>
      </div>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="f-q">Recherche (nom ou SIRET)</label>
          <input
            id="f-q"
            type="search"
            value={q}
            onChange={(e) => {
              setQ(e.target.value);
              setCursor(null);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="f-naf">Code NAF (préfixe)</label>
          <input
            id="f-naf"
            value={naf}
            placeholder="10.71"
            onChange={(e) => {
              setNaf(e.target.value);
              setCursor(null);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="f-zone">Zone</label>
          <select id="f-zone" value={zoneId} onChange={(e) => set('zone', e.target.value)}>
            <option value="">Toutes</option>
            {zones.data?.features.map((z) => (
              <option key={z.id} value={z.id}>
                {z.properties.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-ess">Économie sociale et solidaire</label>
          <select id="f-ess" value={ess} onChange={(e) => set('ess', e.target.value)}>
            <option value="">Indifférent</option>
            <option value="true">ESS uniquement</option>
            <option value="false">Hors ESS</option>
          </select>
        </div>
      </form>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <>
          <table className="list">
            <caption className="sr-only">Entreprises du territoire</caption>
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">SIRET</th>
                <th scope="col">Activité (NAF)</th>
                <th scope="col">Zone</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/entreprises/${c.id}`}>{c.name}</Link>
                    {c.isEss && <span className="badge badge-qualified">ESS</span>}
                  </td>
                  <td className="mono">{c.siret}</td>
                  <td>
                    <span className="mono">{c.nafCode}</span> {c.nafLabel}
                  </td>
                  <td>{c.zoneName ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.items.length === 0 && (
            <p className="muted">Aucune entreprise ne correspond.</p>
          )}
          <div className="pager">
            {cursor && (
              <button type="button" onClick={() => setCursor(null)}>
                Première page
              </button>
            )}
            {list.data.nextCursor && (
              <button type="button" onClick={() => setCursor(list.data!.nextCursor)}>
                Page suivante
              </button>
            )}
          </div>
        </>
      )}
    </>
  );
}
