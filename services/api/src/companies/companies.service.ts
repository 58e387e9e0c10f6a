import type { z } from 'zod';
import { AppError, notFound } from '../../../../shared/errors.ts';
import { isValidSiret } from '../../../../shared/siret.ts';
import type { PointGeometry } from '../../../../shared/schemas/common.ts';
import type {
  CompanyCreate,
  CompanyListQuery,
  CompanyUpdate,
} from '../../../../shared/schemas/companies.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { requireCompanyReader, requireOfficerOf } from '../auth/access.ts';
import type { RequestContext } from '../auth/principal.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import {
  requireTerritoryOfficer,
  requireTerritoryReaderOf,
} from '../territories/territories.service.ts';
import * as repo from './companies.repo.ts';

type Row = NonNullable<Awaited<ReturnType<typeof repo.findCompany>>>;

export function toCompany(c: Row) {
  return {
    id: c.id,
    territoryId: c.territory_id,
    siret: c.siret,
    name: c.name,
    nafCode: c.naf_code,
    nafLabel: c.naf_label,
    headcountBand: c.headcount_band as
      (z.infer<typeof CompanyCreate>['headcountBand'] & string) | null,
    address: c.address,
    location: c.location_geojson
      ? (JSON.parse(c.location_geojson) as z.infer<typeof PointGeometry>)
      : null,
    zoneId: c.zone_id,
    zoneName: c.zone_name,
    isEss: c.is_ess,
    contactEmail: c.contact_email,
    contactPhone: c.contact_phone,
    consentShareIdentity: c.consent_share_identity,
    consentShareFlows: c.consent_share_flows,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

/** A company the caller may read (company users: only their own), or 404. */
export async function getReadableCompany(db: Executor, ctx: RequestContext, id: string) {
  const c = await repo.findCompany(db, id);
  if (!c) throw notFound('Entreprise');
  requireCompanyReader(ctx.principal, c);
  return c;
}

async function checkIdentity(
  db: Executor,
  territoryId: string,
  v: { siret?: string; nafCode?: string },
  exceptId?: string,
) {
  if (v.siret !== undefined) {
    if (!isValidSiret(v.siret)) {
      throw new AppError(
        'invalid_siret',
        `Le SIRET ${v.siret} ne passe pas la clé de contrôle (Luhn)`,
        [{ path: 'body.siret', message: 'clé de contrôle invalide' }],
      );
    }
    if (await repo.siretTaken(db, territoryId, v.siret, exceptId)) {
      throw new AppError(
        'duplicate_siret',
        `Le SIRET ${v.siret} est déjà enregistré dans ce territoire`,
      );
    }
  }
  if (v.nafCode !== undefined && !(await repo.nafExists(db, v.nafCode))) {
    throw new AppError('unknown_naf', `Le code NAF ${v.nafCode} n’existe pas dans la NAF rév. 2`, [
      { path: 'body.nafCode', message: 'code NAF inconnu' },
    ]);
  }
}

export async function createCompany(
  db: Executor,
  ctx: RequestContext,
  territoryId: string,
  input: z.infer<typeof CompanyCreate>,
) {
  await requireTerritoryOfficer(db, ctx, territoryId);
  await checkIdentity(db, territoryId, input);
  const id = await repo.insertCompany(
    db,
    territoryId,
    {
      siret: input.siret,
      name: input.name,
      naf_code: input.nafCode,
      headcount_band: input.headcountBand ?? null,
      address: input.address ?? null,
      is_ess: input.isEss,
      contact_email: input.contactEmail ?? null,
      contact_phone: input.contactPhone ?? null,
      consent_share_identity: input.consentShareIdentity,
      consent_share_flows: input.consentShareFlows,
    },
    input.location ? JSON.stringify(input.location) : null,
  );
  const company = toCompany((await repo.findCompany(db, id))!);
  await recordAudit(db, ctx, {
    territoryId,
    action: 'create',
    entity: 'company',
    entityId: id,
    after: company,
  });
  return company;
}

export async function updateCompany(
  db: Executor,
  ctx: RequestContext,
  id: string,
  patch: z.infer<typeof CompanyUpdate>,
) {
  const current = await getReadableCompany(db, ctx, id);
  requireOfficerOf(ctx.principal, current.territory_id, 'Entreprise');
  await checkIdentity(db, current.territory_id, patch, id);
  const values: Partial<repo.CompanyValues> = {};
  if (patch.siret !== undefined) values.siret = patch.siret;
  if (patch.name !== undefined) values.name = patch.name;
  if (patch.nafCode !== undefined) values.naf_code = patch.nafCode;
  if (patch.headcountBand !== undefined) values.headcount_band = patch.headcountBand;
  if (patch.address !== undefined) values.address = patch.address;
  if (patch.isEss !== undefined) values.is_ess = patch.isEss;
  if (patch.contactEmail !== undefined) values.contact_email = patch.contactEmail;
  if (patch.contactPhone !== undefined) values.contact_phone = patch.contactPhone;
  if (patch.consentShareIdentity !== undefined)
    values.consent_share_identity = patch.consentShareIdentity;
  if (patch.consentShareFlows !== undefined) values.consent_share_flows = patch.consentShareFlows;
  const location =
    patch.location === undefined
      ? undefined
      : patch.location === null
        ? null
        : JSON.stringify(patch.location);
  await repo.updateCompany(db, id, current.territory_id, values, location);
  const after = toCompany((await repo.findCompany(db, id))!);
  await recordAudit(db, ctx, {
    territoryId: current.territory_id,
    action: 'update',
    entity: 'company',
    entityId: id,
    before: toCompany(current),
    after,
  });
  return after;
}

export async function listCompanies(
  db: Executor,
  ctx: RequestContext,
  territoryId: string,
  q: z.infer<typeof CompanyListQuery>,
) {
  await requireTerritoryReaderOf(db, ctx, territoryId);
  const after = decodeCursor<[string, string]>(q.cursor, 2);
  const rows = await repo.listCompanies(db, {
    territoryId,
    onlyCompanyId:
      ctx.principal.role === 'company' ? (ctx.principal.companyId ?? undefined) : undefined,
    zoneId: q.zoneId,
    nafPrefix: q.naf,
    q: q.q,
    isEss: q.isEss,
    after,
    limit: q.limit,
  });
  return toPage(rows, q.limit, toCompany, (r) => [r.name, r.id]);
}
