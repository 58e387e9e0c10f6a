// Working groups: list and create, then a group's members, linked synergies and the
// engine's suggestions, meetings, pooled volumes and their CSV for a call for tenders.
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api.ts';
import { useTerritory } from '../auth.tsx';
import { ErrorBanner, Field, Loading, Notice, StatusBadge } from '../components.tsx';
import {
  lifecycle,
  workingGroups,
  type WorkingGroup,
  type WorkingGroupTheme,
} from '../contract.ts';
import { useAsync, useTitle } from '../hooks.ts';
import { KIND_LABELS, TYPE_LABELS, fmt, fmtDate, unitLabel } from '../labels.ts';
import type { Company, Page, Synergy } from '../types.ts';

const GROUP_STATUS_LABELS = { active: 'Actif', closed: 'Clos' } as const;
const SOURCE_LABELS = { manual: 'ajoutée à la main', synergy: 'par une mutualisation' } as const;

function GroupStatus({ status }: { status: 'active' | 'closed' }) {
  return (
    <span className={`badge ${status === 'active' ? 'badge-implemented' : 'badge-abandoned'}`}>
      {GROUP_STATUS_LABELS[status]}
    </span>
  );
}

export function WorkingGroupsPage() {
  useTitle('Groupes de travail');
  const territory = useTerritory();
  const navigate = useNavigate();
  const [status, setStatus] = useState<'active' | 'closed' | ''>('active');
  const list = useAsync(
    () => workingGroups.list(territory.id, { limit: 200, ...(status ? { status } : {}) }),
    [territory.id, status],
  );
  const reference = useAsync(() => lifecycle.reference(), []);
  const [name, setName] = useState('');
  const [theme, setTheme] = useState<WorkingGroupTheme>('waste_collection');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <h1>Groupes de travail</h1>
      <div className="filters">
        <div className="field">
          <label htmlFor="g-status">Groupes</label>
          <select
            id="g-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as typeof status)}
          >
            <option value="active">actifs</option>
            <option value="closed">clos</option>
            <option value="">tous</option>
          </select>
        </div>
      </div>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <p className="muted">Aucun groupe.</p>}
      {list.data && list.data.items.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Groupe</th>
              <th scope="col">Thème</th>
              <th scope="col">Membres</th>
              <th scope="col">Dernière réunion</th>
              <th scope="col">État</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((g) => (
              <tr key={g.id}>
                <td>
                  <Link to={`/groupes/${g.id}`}>{g.name}</Link>
                </td>
                <td>{g.themeLabelFr}</td>
                <td className="num">{g.memberCount}</td>
                <td>{fmtDate(g.lastMeetingOn)}</td>
                <td>
                  <GroupStatus status={g.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="form panel"
        aria-labelledby="new-group-title"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          workingGroups
            .create(territory.id, {
              name,
              theme,
              ...(description.trim() ? { description: description.trim() } : {}),
            })
            .then((g) => void navigate(`/groupes/${g.id}`))
            .catch(setError);
        }}
      >
        <h2 id="new-group-title">Nouveau groupe</h2>
        <ErrorBanner error={error} />
        <div className="row">
          <Field
            label="Nom du groupe"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <div className="field">
            <label htmlFor="g-theme">Thème</label>
            <select
              id="g-theme"
              value={theme}
              onChange={(e) => setTheme(e.target.value as WorkingGroupTheme)}
            >
              {reference.data?.themes.map((t) => (
                <option key={t.code} value={t.code}>
                  {t.labelFr}
                </option>
              ))}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor="g-description">Description</label>
            <input
              id="g-description"
              maxLength={4000}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
        </div>
        <button type="submit" className="primary" disabled={!name.trim()}>
          Créer le groupe
        </button>
      </form>
    </>
  );
}

function Members({
  g,
  companies,
  act,
}: {
  g: WorkingGroup;
  companies: Company[] | undefined;
  act: (p: Promise<unknown>, done: string) => void;
}) {
  const [member, setMember] = useState('');
  const closed = g.status === 'closed';
  const candidates = (companies ?? []).filter((c) => !g.members.some((m) => m.companyId === c.id));
  return (
    <section aria-labelledby="m-title">
      <h2 id="m-title">Membres ({g.members.length})</h2>
      {g.members.length === 0 ? (
        <p className="muted">Aucun membre pour l’instant.</p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Entreprise</th>
              <th scope="col">SIRET</th>
              <th scope="col">Membre depuis</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {g.members.map((m) => (
              <tr key={m.companyId}>
                <td>
                  <Link to={`/entreprises/${m.companyId}`}>{m.companyName}</Link>
                </td>
                <td className="mono">{m.siret}</td>
                <td>
                  {fmtDate(m.addedAt)}{' '}
                  <span className="muted small">({SOURCE_LABELS[m.source]})</span>
                </td>
                <td>
                  <button
                    type="button"
                    className="link"
                    disabled={closed}
                    aria-label={`Retirer ${m.companyName}`}
                    onClick={() =>
                      act(
                        workingGroups.removeMember(g.id, m.companyId),
                        `${m.companyName} retirée du groupe.`,
                      )
                    }
                  >
                    retirer
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!closed && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            const c = candidates.find((x) => x.id === member);
            if (!c) return;
            act(workingGroups.addMember(g.id, c.id), `${c.name} ajoutée au groupe.`);
            setMember('');
          }}
        >
          <div className="field">
            <label htmlFor="g-member">Ajouter une entreprise</label>
            <select id="g-member" value={member} onChange={(e) => setMember(e.target.value)}>
              <option value="">Choisir…</option>
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={!member}>
            Ajouter
          </button>
        </form>
      )}
    </section>
  );
}

function Synergies({
  g,
  act,
}: {
  g: WorkingGroup;
  act: (p: Promise<unknown>, done: string) => void;
}) {
  const key = g.synergyIds.join(',');
  const linked = useAsync(
    () => Promise.all(g.synergyIds.map((id) => api.get<Synergy>(`/synergies/${id}`))),
    [key],
  );
  const suggestions = useAsync(() => workingGroups.suggestions(g.id), [g.id, key]);
  const closed = g.status === 'closed';
  const title = (s: Synergy) => `${TYPE_LABELS[s.type]} — ${s.resourceLabel ?? s.resourceCode}`;
  return (
    <section aria-labelledby="s-title">
      <h2 id="s-title">Pistes rattachées</h2>
      <ErrorBanner error={linked.error ?? suggestions.error} />
      {g.synergyIds.length === 0 && <p className="muted">Aucune piste rattachée.</p>}
      <ul>
        {linked.data?.map((s) => (
          <li key={s.id}>
            <Link to={`/synergies/${s.id}`}>{title(s)}</Link> <StatusBadge status={s.status} />{' '}
            <span className="muted small">{s.participants.length} entreprises</span>{' '}
            {!closed && (
              <button
                type="button"
                className="link"
                aria-label={`Détacher ${title(s)}`}
                onClick={() => act(workingGroups.unlinkSynergy(g.id, s.id), 'Piste détachée.')}
              >
                détacher
              </button>
            )}
          </li>
        ))}
      </ul>
      {suggestions.data && suggestions.data.items.length > 0 && (
        <>
          <h3>Mutualisations proposées sur ce thème</h3>
          <ul>
            {suggestions.data.items.map((s) => (
              <li key={s.id}>
                <Link to={`/synergies/${s.id}`}>{title(s)}</Link>{' '}
                <span className="muted small">
                  {s.participants.map((p) => p.companyName).join(', ')}
                </span>{' '}
                {!closed && (
                  <button
                    type="button"
                    aria-label={`Rattacher ${title(s)}`}
                    onClick={() =>
                      act(
                        workingGroups.linkSynergy(g.id, s.id),
                        'Piste rattachée ; ses entreprises sont membres du groupe.',
                      )
                    }
                  >
                    Rattacher
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Meetings({
  g,
  act,
}: {
  g: WorkingGroup;
  act: (p: Promise<unknown>, done: string) => void;
}) {
  const meetings = useAsync(() => workingGroups.meetings(g.id), [g.id]);
  const [heldOn, setHeldOn] = useState('');
  const [title, setTitle] = useState('');
  const [present, setPresent] = useState<string[]>([]);
  const [others, setOthers] = useState('');
  const [minutes, setMinutes] = useState('');
  const closed = g.status === 'closed';
  return (
    <section aria-labelledby="r-title">
      <h2 id="r-title">Réunions</h2>
      <ErrorBanner error={meetings.error} />
      {meetings.data && meetings.data.items.length === 0 && (
        <p className="muted">Aucune réunion enregistrée.</p>
      )}
      <ul className="timeline">
        {meetings.data?.items.map((m) => (
          <li key={m.id}>
            <strong>{fmtDate(m.heldOn)}</strong>
            {m.title && ` — ${m.title}`}
            {(m.attendees.length > 0 || m.attendeeNames.length > 0) && (
              <div className="small">
                Présents :{' '}
                {[...m.attendees.map((a) => a.companyName), ...m.attendeeNames].join(', ')}
              </div>
            )}
            {m.minutes && (
              <details>
                <summary>Compte rendu</summary>
                <p className="pre">{m.minutes}</p>
              </details>
            )}
          </li>
        ))}
      </ul>
      {!closed && (
        <form
          className="form"
          aria-label="Nouvelle réunion"
          onSubmit={(e) => {
            e.preventDefault();
            if (!heldOn) return;
            const names = others
              .split(/[;,\n]/)
              .map((n) => n.trim())
              .filter(Boolean);
            act(
              workingGroups
                .addMeeting(g.id, {
                  heldOn,
                  ...(title.trim() ? { title: title.trim() } : {}),
                  attendeeCompanyIds: present,
                  attendeeNames: names,
                  ...(minutes.trim() ? { minutes } : {}),
                })
                .then(() => {
                  setHeldOn('');
                  setTitle('');
                  setPresent([]);
                  setOthers('');
                  setMinutes('');
                  meetings.reload();
                }),
              'Réunion enregistrée.',
            );
          }}
        >
          <h3>Nouvelle réunion</h3>
          <div className="row">
            <Field
              label="Date de la réunion"
              type="date"
              required
              value={heldOn}
              onChange={(e) => setHeldOn(e.target.value)}
            />
            <Field
              label="Objet"
              maxLength={200}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
            />
            <Field
              label="Autres participants"
              hint="Partenaires, experts : séparés par des virgules"
              value={others}
              onChange={(e) => setOthers(e.target.value)}
            />
          </div>
          {g.members.length > 0 && (
            <fieldset>
              <legend>Entreprises présentes</legend>
              {g.members.map((m) => (
                <label key={m.companyId} className="check">
                  <input
                    type="checkbox"
                    checked={present.includes(m.companyId)}
                    onChange={(e) =>
                      setPresent((p) =>
                        e.target.checked ? [...p, m.companyId] : p.filter((x) => x !== m.companyId),
                      )
                    }
                  />{' '}
                  {m.companyName}
                </label>
              ))}
            </fieldset>
          )}
          <div className="field">
            <label htmlFor="r-minutes">Compte rendu</label>
            <textarea
              id="r-minutes"
              rows={3}
              maxLength={50_000}
              value={minutes}
              onChange={(e) => setMinutes(e.target.value)}
            />
          </div>
          <button type="submit" disabled={!heldOn}>
            Enregistrer la réunion
          </button>
        </form>
      )}
    </section>
  );
}

function PooledVolumesSection({ g }: { g: WorkingGroup }) {
  const key = g.members.map((m) => m.companyId).join(',');
  const volumes = useAsync(() => workingGroups.pooledVolumes(g.id), [g.id, key]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const v = volumes.data;
  const nameOf = (id: string) => g.members.find((m) => m.companyId === id)?.companyName ?? id;
  return (
    <section aria-labelledby="v-title">
      <h2 id="v-title">Volumes mutualisables</h2>
      <ErrorBanner error={volumes.error ?? error} />
      {volumes.loading && !v && <Loading />}
      {v && (
        <>
          <p className="muted">{v.ruleFr}</p>
          {v.membersWithoutValidatedDiagnostic.length > 0 && (
            <p className="banner" role="note">
              Sans diagnostic validé, donc non comptées :{' '}
              {v.membersWithoutValidatedDiagnostic.map(nameOf).join(', ')}.
            </p>
          )}
          {v.totals.length === 0 ? (
            <p className="muted">Aucun volume à mutualiser pour l’instant.</p>
          ) : (
            <table className="list" aria-label="Volumes mutualisables par ressource">
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Ressource</th>
                  <th scope="col">Quantité / an</th>
                  <th scope="col">Entreprises</th>
                </tr>
              </thead>
              <tbody>
                {v.totals.map((t) => (
                  <tr key={`${t.kind}-${t.resourceCode}-${t.unit ?? ''}`}>
                    <td>{KIND_LABELS[t.kind]}</td>
                    <td>{t.resourceLabel}</td>
                    <td className="num">
                      {fmt(t.quantityPerYear)} {unitLabel(t.unit)}
                    </td>
                    <td className="num">{t.companies}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {v.lines.length > 0 && (
            <details>
              <summary>Détail par entreprise ({v.lines.length} lignes)</summary>
              <table className="list">
                <thead>
                  <tr>
                    <th scope="col">Entreprise</th>
                    <th scope="col">Ressource</th>
                    <th scope="col">Quantité / an</th>
                    <th scope="col">Visite</th>
                  </tr>
                </thead>
                <tbody>
                  {v.lines.map((l, i) => (
                    <tr key={`${l.companyId}-${l.resourceCode}-${i}`}>
                      <td>{l.companyName}</td>
                      <td>
                        {KIND_LABELS[l.kind]} : {l.resourceLabel}
                      </td>
                      <td className="num">
                        {fmt(l.quantityPerYear)} {unitLabel(l.unit)}
                      </td>
                      <td>{fmtDate(l.visitedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
        </>
      )}
      <p>
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            setError(null);
            setBusy(true);
            workingGroups
              .pooledVolumesCsv(g.id, g.name)
              .catch(setError)
              .finally(() => setBusy(false));
          }}
        >
          Télécharger le CSV (appel d’offres)
        </button>
      </p>
    </section>
  );
}

export function WorkingGroupPage() {
  const { id } = useParams() as { id: string };
  const territory = useTerritory();
  const group = useAsync(() => workingGroups.get(id), [id]);
  const companies = useAsync(
    () => api.get<Page<Company>>(`/territories/${territory.id}/companies`, { limit: 200 }),
    [territory.id],
  );
  const [updated, setUpdated] = useState<WorkingGroup | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const g = updated?.id === id ? updated : group.data;
  useTitle(g?.name ?? 'Groupe de travail');
  if (group.error) return <ErrorBanner error={group.error} />;
  if (!g) return <Loading />;
  /** Runs a change, then shows the group as the API answers it now. */
  const act = (p: Promise<unknown>, done: string) => {
    setError(null);
    setNotice(null);
    p.then(() => workingGroups.get(id))
      .then((next) => {
        setUpdated(next);
        setNotice(done);
      })
      .catch(setError);
  };
  return (
    <>
      <p>
        <Link to="/groupes">← Groupes de travail</Link>
      </p>
      <div className="page-head">
        <h1>{g.name}</h1>
        <GroupStatus status={g.status} />
      </div>
      <p className="muted">
        {g.themeLabelFr} · créé le {fmtDate(g.createdAt)}
      </p>
      {g.description && <p className="lead">{g.description}</p>}
      {notice && <Notice>{notice}</Notice>}
      <ErrorBanner error={error} />
      <p>
        <button
          type="button"
          onClick={() =>
            act(
              workingGroups.update(g.id, { status: g.status === 'active' ? 'closed' : 'active' }),
              g.status === 'active' ? 'Groupe clos.' : 'Groupe rouvert.',
            )
          }
        >
          {g.status === 'active' ? 'Clore le groupe' : 'Rouvrir le groupe'}
        </button>
      </p>
      <div className="grid-2">
        <Members g={g} companies={companies.data?.items} act={act} />
        <Synergies g={g} act={act} />
      </div>
      <PooledVolumesSection g={g} />
      <Meetings g={g} act={act} />
    </>
  );
}
