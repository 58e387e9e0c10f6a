import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { CompanyCreate as CompanyCreateSchema } from '../../../shared/schemas/companies.ts';
import { HEADCOUNT_BANDS } from '../../../shared/schemas/companies.ts';
import { isValidSiret } from '../../../shared/siret.ts';
import { ApiError, api } from '../api.ts';
import { useTerritory } from '../auth.tsx';
import { ErrorBanner, Field, Loading } from '../components.tsx';
import { useDebounced, useTitle } from '../hooks.ts';
import { HEADCOUNT_LABELS } from '../labels.ts';
import type { Company, CompanyCreate, Naf, Page } from '../types.ts';

interface Form {
  siret: string;
  name: string;
  nafCode: string;
  headcountBand: string;
  address: string;
  lat: string;
  lon: string;
  isEss: boolean;
  consentShareIdentity: boolean;
  consentShareFlows: boolean;
}

const EMPTY: Form = {
  siret: '',
  name: '',
  nafCode: '',
  headcountBand: '',
  address: '',
  lat: '',
  lon: '',
  isEss: false,
  consentShareIdentity: false,
  consentShareFlows: false,
};

function siretCheck(v: string): string | undefined {
  const s = v.replace(/\s+/g, '');
  if (!s) return undefined;
  if (!/^\d+$/.test(s)) return 'uniquement des chiffres';
  if (s.length !== 14) return `14 chiffres attendus (${s.length} saisis)`;
  return isValidSiret(s) ? undefined : 'clé de contrôle invalide (vérifiez la saisie)';
}

/** NAF check as you type: format first, then the label from the NAF rév. 2 list. */
function useNaf(code: string): { label?: string; error?: string } {
  const d = useDebounced(code.trim().toUpperCase(), 250);
  const [state, setState] = useState<{ label?: string; error?: string }>({});
  useEffect(() => {
    if (!d) return setState({});
    if (!/^\d{2}\.?\d{2}[A-Z]$/.test(d)) {
      return setState(d.length >= 6 ? { error: 'format attendu : 10.71A' } : {});
    }
    const norm = d.includes('.') ? d : `${d.slice(0, 2)}.${d.slice(2)}`;
    const ctrl = new AbortController();
    api
      .get<Page<Naf>>('/naf', { q: norm, limit: 5 }, ctrl.signal)
      .then((p) => {
        const hit = p.items.find((n) => n.code === norm);
        setState(hit ? { label: hit.labelFr } : { error: 'code NAF inconnu (NAF rév. 2)' });
      })
      .catch(() => setState({}));
    return () => ctrl.abort();
  }, [d]);
  return state;
}

export function CompanyFormPage() {
  const { id } = useParams();
  const editing = Boolean(id);
  useTitle(editing ? 'Modifier l’entreprise' : 'Nouvelle entreprise');
  const territory = useTerritory();
  const navigate = useNavigate();
  const [form, setForm] = useState<Form>(EMPTY);
  const [loaded, setLoaded] = useState(!editing);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const naf = useNaf(form.nafCode);

  useEffect(() => {
    if (!id) return;
    api
      .get<Company>(`/companies/${id}`)
      .then((c) => {
        setForm({
          siret: c.siret,
          name: c.name,
          nafCode: c.nafCode,
          headcountBand: c.headcountBand ?? '',
          address: c.address ?? '',
          lat: c.location ? String(c.location.coordinates[1]) : '',
          lon: c.location ? String(c.location.coordinates[0]) : '',
          isEss: c.isEss,
          consentShareIdentity: c.consentShareIdentity,
          consentShareFlows: c.consentShareFlows,
        });
        setLoaded(true);
      })
      .catch(setError);
  }, [id]);

  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const api422 = error instanceof ApiError ? error.fields : {};
  const siretError = (touched.siret ? siretCheck(form.siret) : undefined) ?? api422.siret;
  const nafError = naf.error ?? api422.nafCode;
  const lat = form.lat.trim() === '' ? null : Number(form.lat.replace(',', '.'));
  const lon = form.lon.trim() === '' ? null : Number(form.lon.replace(',', '.'));
  const posError =
    (lat === null) !== (lon === null)
      ? 'latitude et longitude vont ensemble'
      : lat !== null && (Number.isNaN(lat) || lat < -90 || lat > 90)
        ? 'latitude entre -90 et 90'
        : lon !== null && (Number.isNaN(lon) || lon < -180 || lon > 180)
          ? 'longitude entre -180 et 180'
          : undefined;

  const body = (): CompanyCreate => ({
    siret: form.siret,
    name: form.name,
    nafCode: form.nafCode,
    headcountBand: (form.headcountBand || null) as CompanyCreate['headcountBand'],
    address: form.address.trim() || null,
    location: lat !== null && lon !== null ? { type: 'Point', coordinates: [lon, lat] } : null,
    isEss: form.isEss,
    consentShareIdentity: form.consentShareIdentity,
    consentShareFlows: form.consentShareFlows,
  });

  const submit = async () => {
    setTouched({ siret: true });
    if (siretCheck(form.siret) || posError) return;
    // Same schema as the API: format errors are caught before the round trip.
    const parsed = CompanyCreateSchema.safeParse(body());
    if (!parsed.success) {
      setError(
        new ApiError(400, {
          type: 'about:blank',
          title: 'Requête invalide',
          status: 400,
          detail: 'Vérifiez les champs signalés',
          code: 'validation_failed',
          errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        }),
      );
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const c = editing
        ? await api.patch<Company>(`/companies/${id}`, body())
        : await api.post<Company>(`/territories/${territory.id}/companies`, body());
      void navigate(`/entreprises/${c.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!loaded) return error ? <ErrorBanner error={error} /> : <Loading />;
  return (
    <>
      <h1>{editing ? `Modifier ${form.name}` : 'Nouvelle entreprise'}</h1>
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <ErrorBanner error={error} />
        <Field
          label="SIRET"
          value={form.siret}
          inputMode="numeric"
          required
          hint="14 chiffres, espaces acceptés"
          error={siretError}
          onChange={(e) => set('siret', e.target.value)}
          onBlur={() => setTouched((t) => ({ ...t, siret: true }))}
        />
        <Field
          label="Raison sociale"
          value={form.name}
          required
          error={api422.name}
          onChange={(e) => set('name', e.target.value)}
        />
        <Field
          label="Code NAF"
          value={form.nafCode}
          required
          placeholder="16.24Z"
          hint={naf.label ? `✓ ${naf.label}` : 'NAF rév. 2, ex. 10.71A'}
          error={nafError}
          onChange={(e) => set('nafCode', e.target.value)}
        />
        <div className="field">
          <label htmlFor="c-headcount">Effectif</label>
          <select
            id="c-headcount"
            value={form.headcountBand}
            onChange={(e) => set('headcountBand', e.target.value)}
          >
            <option value="">Non renseigné</option>
            {HEADCOUNT_BANDS.map((b) => (
              <option key={b} value={b}>
                {HEADCOUNT_LABELS[b]}
              </option>
            ))}
          </select>
        </div>
        <Field
          label="Adresse"
          value={form.address}
          error={api422.address}
          onChange={(e) => set('address', e.target.value)}
        />
        <fieldset>
          <legend>Position (WGS 84) — la zone en est déduite</legend>
          <div className="row">
            <Field
              label="Latitude"
              value={form.lat}
              inputMode="decimal"
              placeholder="47.35"
              onChange={(e) => set('lat', e.target.value)}
            />
            <Field
              label="Longitude"
              value={form.lon}
              inputMode="decimal"
              placeholder="5.03"
              error={posError ?? api422.location}
              onChange={(e) => set('lon', e.target.value)}
            />
          </div>
        </fieldset>
        <fieldset>
          <legend>Statut et consentements</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={form.isEss}
              onChange={(e) => set('isEss', e.target.checked)}
            />
            Structure de l’économie sociale et solidaire
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={form.consentShareIdentity}
              onChange={(e) => set('consentShareIdentity', e.target.checked)}
            />
            Accepte que son identité soit partagée avec ses contreparties
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={form.consentShareFlows}
              onChange={(e) => set('consentShareFlows', e.target.checked)}
            />
            Accepte que ses flux soient partagés
          </label>
        </fieldset>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Enregistrement…' : 'Enregistrer'}
          </button>
          <button type="button" onClick={() => void navigate(-1)}>
            Annuler
          </button>
        </div>
      </form>
    </>
  );
}
