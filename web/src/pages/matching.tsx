import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api.ts';
import { useTerritory } from '../auth.tsx';
import { ErrorBanner, Loading, ProgressBar, StatusBadge } from '../components.tsx';
import { useAsync, useTitle } from '../hooks.ts';
import {
  RUN_STATUS_LABELS,
  STATUS_LABELS,
  SYNERGY_STATUSES,
  TYPE_LABELS,
  fmt,
  fmtEur,
} from '../labels.ts';
import type { MatchRun, Page, Synergy, ZoneFeatureCollection } from '../types.ts';
import { gainsOf } from './dashboard.tsx';

/** Launches a full run and follows its progress (GET /match-runs/{id} every half second). */
function RunPanel({ territoryId, onDone }: { territoryId: string; onDone: () => void }) {
  const [run, setRun] = useState<MatchRun | null>(null);
  const [error, setError] = useState<unknown>(null);
  const active = run !== null && (run.status === 'queued' || run.status === 'running');
  useEffect(() => {
    if (!run || !active) return;
    const id = window.setTimeout(() => {
      api
        .get<MatchRun>(`/match-runs/${run.id}`)
        .then((r) => {
          setRun(r);
          if (r.status === 'succeeded' || r.status === 'failed') onDone();
        })
        .catch(setError);
    }, 500);
    return () => window.clearTimeout(id);
  }, [run, active, onDone]);
  return (
    <section className="panel" aria-labelledby="run-title">
      <h2 id="run-title">Mise en relation</h2>
      <ErrorBanner error={error} />
      <button
        type="button"
        className="primary"
        disabled={active}
        onClick={() => {
          setError(null);
          api
            .post<MatchRun>(`/territories/${territoryId}/match-runs`, {})
            .then(setRun)
            .catch(setError);
        }}
      >
        Lancer une passe complète
      </button>
      {run && (
        <div aria-live="polite">
          <ProgressBar value={run.progress} label="Avancement de la passe" />
          <p>
            Passe {RUN_STATUS_LABELS[run.status]}
            {run.status === 'succeeded' &&
              ` : ${run.counts.proposals ?? 0} propositions (${run.counts.created ?? 0} nouvelles)`}
            {run.error && ` : ${run.error}`}
          </p>
        </div>
      )}
    </section>
  );
}

export function MatchingPage() {
  useTitle('Synergies');
  const territory = useTerritory();
  const [params, setParams] = useSearchParams();
  const f = {
    type: params.get('type') ?? '',
    status: params.get('status') ?? '',
    zoneId: params.get('zone') ?? '',
    minScore: params.get('minScore') ?? '',
    resourceCode: params.get('resource') ?? '',
    includeStale: params.get('stale') === 'true',
  };
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const zones = useAsync(
    () => api.get<ZoneFeatureCollection>(`/territories/${territory.id}/zones`),
    [territory.id],
  );
  const list = useAsync(
    (signal) =>
      api.get<Page<Synergy>>(
        `/territories/${territory.id}/synergies`,
        {
          type: f.type || undefined,
          status: f.status || undefined,
          zoneId: f.zoneId || undefined,
          minScore: f.minScore || undefined,
          resourceCode: f.resourceCode.trim() || undefined,
          includeStale: f.includeStale ? 'true' : undefined,
          limit: 100,
        },
        signal,
      ),
    [territory.id, f.type, f.status, f.zoneId, f.minScore, f.resourceCode, f.includeStale],
  );
  return (
    <>
      <h1>Synergies</h1>
      <RunPanel territoryId={territory.id} onDone={list.reload} />
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filtres">
        <div className="field">
          <label htmlFor="s-type">Type</label>
          <select id="s-type" value={f.type} onChange={(e) => set('type', e.target.value)}>
            <option value="">Tous</option>
            <option value="substitution">Substitution</option>
            <option value="mutualisation">Mutualisation</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="s-status">État</label>
          <select id="s-status" value={f.status} onChange={(e) => set('status', e.target.value)}>
            <option value="">Tous</option>
            {SYNERGY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="s-zone">Zone</label>
          <select id="s-zone" value={f.zoneId} onChange={(e) => set('zone', e.target.value)}>
            <option value="">Toutes</option>
            {zones.data?.features.map((z) => (
              <option key={z.id} value={z.id}>
                {z.properties.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="s-min">Score minimal</label>
          <select id="s-min" value={f.minScore} onChange={(e) => set('minScore', e.target.value)}>
            <option value="">—</option>
            <option value="0.2">0,2</option>
            <option value="0.4">0,4</option>
            <option value="0.6">0,6</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="s-res">Ressource (code ou préfixe*)</label>
          <input
            id="s-res"
            value={f.resourceCode}
            placeholder="LOG.PAL*"
            onChange={(e) => set('resource', e.target.value)}
          />
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={f.includeStale}
            onChange={(e) => set('stale', e.target.checked ? 'true' : '')}
          />
          Inclure les pistes périmées
        </label>
      </form>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && (
        <p className="muted">Aucune proposition avec ces filtres.</p>
      )}
      {list.data && list.data.items.length > 0 && (
        <table className="list" aria-label="Propositions de synergie">
          <thead>
            <tr>
              <th scope="col">Proposition</th>
              <th scope="col">Participants</th>
              <th scope="col">Score</th>
              <th scope="col">Quantité / an</th>
              <th scope="col">Gains estimés / an</th>
              <th scope="col">État</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((s) => {
              const g = gainsOf(s);
              return (
                <tr key={s.id}>
                  <td>
                    <Link to={`/synergies/${s.id}`}>
                      {TYPE_LABELS[s.type]} — {s.resourceLabel ?? s.resourceCode}
                    </Link>
                    {s.stale && <span className="badge badge-abandoned">périmée</span>}
                    <div className="muted small">{s.explanationFr}</div>
                  </td>
                  <td>{s.participants.map((p) => p.companyName).join(' → ')}</td>
                  <td className="num">{fmt(s.score, 2)}</td>
                  <td className="num">
                    {fmt(s.quantityPerYear)} {s.unit ?? ''}
                  </td>
                  <td className="num">
                    {g.tco2eAvoidedPerYear != null && <div>{fmt(g.tco2eAvoidedPerYear)} tCO₂e</div>}
                    {g.eurPerYear != null && <div>{fmtEur(g.eurPerYear)}</div>}
                  </td>
                  <td>
                    <StatusBadge status={s.status} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
