// Working groups (lifecycle contract): list, create, members, meetings, pooled volumes, CSV.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, messageOf } from '../api.ts';
import { useTerritory } from '../auth.tsx';
import { Field, Loading, PendingAware } from '../components.tsx';
import { WORKING_GROUP_THEMES, workingGroups, type WorkingGroupTheme } from '../contract.ts';
import { useAsync, useTitle } from '../hooks.ts';
import { THEME_LABELS, fmt, fmtDate } from '../labels.ts';
import type { Company, Page } from '../types.ts';

export function WorkingGroupsPage() {
  useTitle('Groupes de travail');
  const territory = useTerritory();
  const list = useAsync(() => workingGroups.list(territory.id), [territory.id]);
  const [name, setName] = useState('');
  const [theme, setTheme] = useState<WorkingGroupTheme>('pallets');
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <h1>Groupes de travail</h1>
      <PendingAware error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <p className="muted">Aucun groupe.</p>}
      {list.data && list.data.items.length > 0 && (
        <ul className="cards">
          {list.data.items.map((g) => (
            <li key={g.id}>
              <Link to={`/groupes/${g.id}`}>{g.name}</Link>{' '}
              <span className="muted">
                {THEME_LABELS[g.theme] ?? g.theme}
                {g.members && ` · ${g.members.length} membres`}
              </span>
            </li>
          ))}
        </ul>
      )}
      <form
        className="form"
        aria-label="Nouveau groupe de travail"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          workingGroups
            .create(territory.id, { name, theme })
            .then(() => {
              setName('');
              list.reload();
            })
            .catch(setError);
        }}
      >
        <h2>Nouveau groupe</h2>
        <PendingAware error={error} />
        <div className="row">
          <Field
            label="Nom du groupe"
            required
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
              {WORKING_GROUP_THEMES.map((t) => (
                <option key={t} value={t}>
                  {THEME_LABELS[t]}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" className="primary">
          Créer le groupe
        </button>
      </form>
    </>
  );
}

export function WorkingGroupPage() {
  const { id } = useParams() as { id: string };
  const territory = useTerritory();
  const group = useAsync(() => workingGroups.get(id), [id]);
  const meetings = useAsync(() => workingGroups.meetings(id), [id]);
  const volumes = useAsync(() => workingGroups.pooledVolumes(id), [id]);
  const companies = useAsync(
    () => api.get<Page<Company>>(`/territories/${territory.id}/companies`, { limit: 200 }),
    [territory.id],
  );
  const [member, setMember] = useState('');
  const [meetingDate, setMeetingDate] = useState('');
  const [meetingTitle, setMeetingTitle] = useState('');
  const [error, setError] = useState<unknown>(null);
  useTitle(group.data?.name ?? 'Groupe de travail');
  if (group.error) return <PendingAware error={group.error} />;
  const g = group.data;
  if (!g) return <Loading />;
  const act = (p: Promise<unknown>, after: () => void) => {
    setError(null);
    p.then(after).catch(setError);
  };
  const nameOf = (cid: string) =>
    companies.data?.items.find((c) => c.id === cid)?.name ?? cid.slice(0, 8);
  return (
    <>
      <p>
        <Link to="/groupes">← Groupes de travail</Link>
      </p>
      <h1>{g.name}</h1>
      <p className="muted">{THEME_LABELS[g.theme] ?? g.theme}</p>
      <PendingAware error={error} />
      <section aria-labelledby="m-title">
        <h2 id="m-title">Membres</h2>
        <ul>
          {(g.members ?? []).map((m) => (
            <li key={m.companyId}>
              {m.companyName ?? nameOf(m.companyId)}{' '}
              <button
                type="button"
                className="link"
                aria-label={`Retirer ${m.companyName ?? nameOf(m.companyId)}`}
                onClick={() => act(workingGroups.removeMember(id, m.companyId), group.reload)}
              >
                retirer
              </button>
            </li>
          ))}
        </ul>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (member) act(workingGroups.addMember(id, member), group.reload);
          }}
        >
          <div className="field">
            <label htmlFor="g-member">Ajouter une entreprise</label>
            <select id="g-member" value={member} onChange={(e) => setMember(e.target.value)}>
              <option value="">Choisir…</option>
              {companies.data?.items.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">Ajouter</button>
        </form>
      </section>
      <section aria-labelledby="r-title">
        <h2 id="r-title">Réunions</h2>
        {meetings.error ? (
          <PendingAware error={meetings.error} />
        ) : (
          <ul>
            {meetings.data?.items.map((m) => (
              <li key={m.id}>
                {fmtDate(m.heldAt ?? m.date)} {m.title && `— ${m.title}`}
              </li>
            ))}
          </ul>
        )}
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (!meetingDate) return;
            act(
              workingGroups.addMeeting(id, {
                heldAt: meetingDate,
                ...(meetingTitle ? { title: meetingTitle } : {}),
              }),
              () => {
                setMeetingTitle('');
                meetings.reload();
              },
            );
          }}
        >
          <Field
            label="Date"
            type="date"
            value={meetingDate}
            onChange={(e) => setMeetingDate(e.target.value)}
          />
          <Field
            label="Objet"
            value={meetingTitle}
            onChange={(e) => setMeetingTitle(e.target.value)}
          />
          <button type="submit">Ajouter la réunion</button>
        </form>
      </section>
      <section aria-labelledby="v-title">
        <h2 id="v-title">Volumes mutualisables</h2>
        {volumes.error ? (
          <PendingAware error={volumes.error} />
        ) : (
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Ressource</th>
                <th scope="col">Quantité / an</th>
                <th scope="col">Entreprises</th>
              </tr>
            </thead>
            <tbody>
              {volumes.data?.items.map((v) => (
                <tr key={v.resourceCode}>
                  <td>{v.resourceLabel ?? v.resourceCode}</td>
                  <td className="num">
                    {fmt(v.quantityPerYear)} {v.unit ?? ''}
                  </td>
                  <td className="num">{v.companies ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <button
          type="button"
          onClick={() => {
            workingGroups
              .pooledVolumesCsv(id)
              .catch((e: unknown) => setError(new Error(messageOf(e))));
          }}
        >
          Exporter en CSV
        </button>
      </section>
    </>
  );
}
