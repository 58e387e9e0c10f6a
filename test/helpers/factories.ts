// Test data builders: each test states what it needs; nothing is shared between tests.
import type { FastifyInstance } from 'fastify';
import { insertToken } from '../../services/api/src/auth/auth.repo.ts';
import { hashPassword, newSecret, sha256 } from '../../services/api/src/auth/secrets.ts';
import { insertUser } from '../../services/api/src/users/users.repo.ts';
import type { Database } from '../../services/core/src/db/database.ts';
import { completeSiret } from '../../shared/siret.ts';
import { call, type Json } from './app.ts';

let counter = 0;
const next = () => ++counter;

/** A Luhn-valid fictional SIRET, different at every call. */
export function makeSiret(): string {
  const n = String(next() + Math.floor(Math.random() * 1e6) * 100).padStart(9, '0');
  return completeSiret(`9${n.slice(-8)}0000`.slice(0, 13));
}

export const TEST_PASSWORD = 'correct-horse-battery-staple';
let passwordHash: Promise<string> | undefined;

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

/** A user with a live token, written straight through the repositories (no login round trip). */
export async function makeUser(
  db: Database,
  opts: {
    role: 'admin' | 'officer' | 'company';
    territoryIds?: string[];
    companyId?: string;
    email?: string;
  },
): Promise<TestUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = opts.email ?? `${opts.role}-${next()}-${Date.now()}@example.test`;
  const id = await insertUser(
    db,
    {
      email,
      display_name: `${opts.role} ${counter}`,
      password_hash: await passwordHash,
      role: opts.role,
      company_id: opts.companyId ?? null,
    },
    opts.territoryIds ?? [],
  );
  const token = newSecret('sbt');
  await insertToken(db, id, sha256(token), new Date(Date.now() + 3600_000));
  return { id, email, token };
}

export async function makeTerritory(
  app: FastifyInstance,
  adminToken: string,
  overrides: Json = {},
): Promise<Json> {
  const n = next();
  const res = await call(app, adminToken, {
    method: 'POST',
    url: '/v1/territories',
    payload: { slug: `territoire-${n}-${Date.now()}`, name: `Territoire ${n}`, ...overrides },
  });
  if (res.statusCode !== 201) throw new Error(`makeTerritory: ${res.statusCode} ${res.body}`);
  return res.body_;
}

/** A 1 km-ish square around (lon, lat). */
export function square(lon: number, lat: number, half = 0.005) {
  return {
    type: 'Polygon' as const,
    coordinates: [
      [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
      ],
    ],
  };
}

export async function makeZone(
  app: FastifyInstance,
  token: string,
  territoryId: string,
  overrides: { name?: string; geometry?: Json } = {},
): Promise<Json> {
  const res = await call(app, token, {
    method: 'POST',
    url: `/v1/territories/${territoryId}/zones`,
    payload: {
      type: 'Feature',
      properties: { name: overrides.name ?? `Zone ${next()}` },
      geometry: overrides.geometry ?? square(5.03, 47.35),
    },
  });
  if (res.statusCode !== 201) throw new Error(`makeZone: ${res.statusCode} ${res.body}`);
  return res.body_;
}

export async function makeCompany(
  app: FastifyInstance,
  token: string,
  territoryId: string,
  overrides: Json = {},
): Promise<Json> {
  const res = await call(app, token, {
    method: 'POST',
    url: `/v1/territories/${territoryId}/companies`,
    payload: {
      siret: makeSiret(),
      name: `Entreprise ${next()}`,
      nafCode: '16.24Z',
      location: { type: 'Point', coordinates: [5.03, 47.35] },
      ...overrides,
    },
  });
  if (res.statusCode !== 201) throw new Error(`makeCompany: ${res.statusCode} ${res.body}`);
  return res.body_;
}

export const sampleFlows = [
  { kind: 'input', resourceCode: 'ENE.ELEC', quantity: 1200, unit: 'MWh', period: 'year' },
  {
    kind: 'waste',
    resourceCode: '150103',
    label: 'Palettes cassées',
    quantity: 2,
    unit: 't',
    period: 'month',
  },
  {
    kind: 'waste',
    resourceCode: '140603',
    label: 'Solvants usagés',
    quantity: 800,
    unit: 'kg',
    period: 'year',
  },
];

export async function makeDiagnostic(
  app: FastifyInstance,
  token: string,
  companyId: string,
  opts: { flows?: Json[]; validate?: boolean } = {},
): Promise<Json> {
  const res = await call(app, token, {
    method: 'POST',
    url: `/v1/companies/${companyId}/diagnostics`,
    payload: { visitedAt: '2023-03-14', flows: opts.flows ?? sampleFlows },
  });
  if (res.statusCode !== 201) throw new Error(`makeDiagnostic: ${res.statusCode} ${res.body}`);
  if (!opts.validate) return res.body_;
  const v = await call(app, token, {
    method: 'POST',
    url: `/v1/diagnostics/${res.body_.id as string}/validate`,
  });
  if (v.statusCode !== 200) throw new Error(`validate: ${v.statusCode} ${v.body}`);
  return v.body_;
}

/** Everything a route test needs: a territory with an admin, an officer and a company user. */
export async function makeWorld(app: FastifyInstance, db: Database) {
  const admin = await makeUser(db, { role: 'admin' });
  const territory = await makeTerritory(app, admin.token);
  const officer = await makeUser(db, { role: 'officer', territoryIds: [territory.id as string] });
  const zone = await makeZone(app, officer.token, territory.id as string);
  const company = await makeCompany(app, officer.token, territory.id as string);
  const companyUser = await makeUser(db, { role: 'company', companyId: company.id as string });
  return { admin, territory, officer, zone, company, companyUser };
}
