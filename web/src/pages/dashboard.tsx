import { Link, useNavigate } from 'react-router';
import { api } from '../api.ts';
import { useTerritory } from '../auth.tsx';
import { ErrorBanner, Loading, displayCode } from '../components.tsx';
import { useAsync, useTitle } from '../hooks.ts';
import {
  RUN_STATUS_LABELS,
  STATUS_LABELS,
  SYNERGY_STATUSES,
  fmt,
  fmtDateTime,
  fmtEur,
} from '../labels.ts';
import { TerritoryMap } from '../map.tsx';
import type {
  Company,
  EstimatedGains,
  Insights,
  MatchRun,
  Page,
  Synergy,
  ZoneFeatureCollection,
} from '../types.ts';

/** Every page of a list (bounded: a territory has at most a few thousand companies). */
export async function all<T>(path: string, query: Record<string, string | number | boolean> = {}) {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 20; i++) {
    const p: Page<T> = await api.get<Page<T>>(path, { ...query, limit: 200, cursor });
    items.push(...p.items);
    if (!p.nextCursor) break;
    cursor = p.nextCursor;
  }
  return items;
}

export function gainsOf(s: { estimatedGains: unknown }): Partial<EstimatedGains> {
  return s.estimatedGains ?? {};
}

export function DashboardPage() {
  const territory = useTerritory();
  useTitle('Tableau de bord');
  const navigate = useNavigate();
  const t = territory.id;
  const data = useAsync(async () => {
    const [zones, companies, synergies, runs, insights] = await Promise.all([
      api.get<ZoneFeatureCollection>(`/territories/${t}/zones`),
      all<Company>(`/territories/${t}/companies`),
      all<Synergy>(`/territories/${t}/synergies`),
      api.get<Page<MatchRun>>(`/territories/${t}/match-runs`, { limit: 1 }),
      api.get<Insights>(`/territories/${t}/insights`),
    ]);
    return { zones, companies, synergies, lastRun: runs.items[0], insights };
  }, [t]);
  const d = data.data;
  const byStatus = new Map<string, number>();
  let tonnes = 0;
  let co2 = 0;
  let eur = 0;
  for (const s of d?.synergies ?? []) {
    byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
    if (s.status === 'rejected' || s.status === 'abandoned') continue;
    const g = gainsOf(s);
    tonnes += g.tonnesDivertedPerYear ?? 0;
    co2 += g.tco2eAvoidedPerYear ?? 0;
    eur += g.eurPerYear ?? 0;
  }
  return (
    <>
      <h1>Tableau de bord — {territory.name}</h1>
      <ErrorBanner error={data.error} />
      {data.loading && !d && <Loading />}
      {d && (
        <>
          <section aria-labelledby="kpi-title">
            <h2 id="kpi-title" className="sr-only">
              Indicateurs clés
            </h2>
            <dl className="kpis">
              <div>
                <dt>Entreprises</dt>
                <dd>{fmt(d.companies.length)}</dd>
              </div>
              <div>
                <dt>Zones d’activités</dt>
                <dd>{fmt(d.zones.features.length)}</dd>
              </div>
              <div>
                <dt>Synergies ouvertes</dt>
                <dd>
                  {fmt(
                    d.synergies.filter((s) => s.status !== 'rejected' && s.status !== 'abandoned')
                      .length,
                  )}
                </dd>
              </div>
              <div>
                <dt>Tonnes détournées / an</dt>
                <dd>{fmt(tonnes)}</dd>
              </div>
              <div>
                <dt>tCO₂e évitées / an</dt>
                <dd>{fmt(co2)}</dd>
              </div>
              <div>
                <dt>Gains estimés / an</dt>
                <dd>{fmtEur(eur)}</dd>
              </div>
            </dl>
          </section>
          <div className="grid-2">
            <section aria-labelledby="map-title">
              <h2 id="map-title">Carte du territoire</h2>
              <TerritoryMap
                zones={d.zones}
                companies={d.companies}
                onCompany={(c) => void navigate(`/entreprises/${c.id}`)}
              />
              <p className="legend">
                <span className="dot dot-company" /> entreprise <span className="dot dot-ess" />{' '}
                structure ESS <span className="swatch" /> zone d’activités
              </p>
            </section>
            <section aria-labelledby="pipe-title">
              <h2 id="pipe-title">Synergies par état</h2>
              <table>
                <caption className="sr-only">Nombre de synergies par état</caption>
                <tbody>
                  {SYNERGY_STATUSES.map((s) => (
                    <tr key={s}>
                      <th scope="row">
                        <Link to={`/synergies?status=${s}`}>{STATUS_LABELS[s]}</Link>
                      </th>
                      <td className="num">{byStatus.get(s) ?? 0}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h2>Dernière passe du moteur</h2>
              {d.lastRun ? (
                <p>
                  {fmtDateTime(d.lastRun.createdAt)} — {RUN_STATUS_LABELS[d.lastRun.status]},{' '}
                  {d.lastRun.counts.proposals ?? 0} propositions
                </p>
              ) : (
                <p className="muted">Aucune passe pour l’instant.</p>
              )}
              <h2>Ressources sans débouché</h2>
              {d.insights.unmatchedResources.length === 0 ? (
                <p className="muted">Aucune.</p>
              ) : (
                <ul>
                  {d.insights.unmatchedResources.slice(0, 6).map((r) => (
                    <li key={r.resourceCode}>
                      <code>{displayCode(r.resourceCode)}</code> : {fmt(r.quantityPerYear)}{' '}
                      {r.unit ?? ''}/an, {r.companies} entreprise(s)
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
        </>
      )}
    </>
  );
}
