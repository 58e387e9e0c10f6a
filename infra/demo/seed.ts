// Seeds the demo territory (idempotent) through the same services the API uses,
// so the demo data passes every check a real request would. Prints how to log in.
import { insertToken } from '../../services/api/src/auth/auth.repo.ts';
import type { Principal, RequestContext } from '../../services/api/src/auth/principal.ts';
import { hashPassword, newSecret, sha256 } from '../../services/api/src/auth/secrets.ts';
import { createCompany } from '../../services/api/src/companies/companies.service.ts';
import {
  createDiagnostic,
  validateDiagnostic,
} from '../../services/api/src/diagnostics/diagnostics.service.ts';
import { createTerritory } from '../../services/api/src/territories/territories.service.ts';
import { findUserByEmail } from '../../services/api/src/auth/auth.repo.ts';
import { insertUser } from '../../services/api/src/users/users.repo.ts';
import { createZone } from '../../services/api/src/zones/zones.service.ts';
import { loadConfig } from '../../services/core/src/config.ts';
import { createDatabase, type Executor } from '../../services/core/src/db/database.ts';
import { requestMatchRun } from '../../services/api/src/matching/matching.repo.ts';
import { executeMatchRun } from '../../services/worker/src/matching/match-run.ts';
import {
  backdateValidations,
  findFirstCompany,
  findTerritoryBySlug,
  hasConvention,
  topSynergies,
} from './seed.repo.ts';
import { demoConvention, demoTerritory } from './demo-data.ts';
import { createConvention } from '../../services/api/src/conventions/conventions.service.ts';
import { ConventionInput } from '../../shared/schemas/conventions.ts';

export const DEMO_PASSWORD = 'symbiose-demo-2026';
export const DEMO_USERS = {
  admin: 'admin@demo.symbiose.fr',
  officer: 'chargee.mission@demo.symbiose.fr',
  company: 'contact@brasserie-demo.fr',
} as const;

async function ensureUser(
  db: Executor,
  u: {
    email: string;
    displayName: string;
    role: 'admin' | 'officer' | 'company';
    territoryIds?: string[];
    companyId?: string;
  },
): Promise<string> {
  const existing = await findUserByEmail(db, u.email);
  if (existing) return existing.id;
  return insertUser(
    db,
    {
      email: u.email,
      display_name: u.displayName,
      password_hash: await hashPassword(DEMO_PASSWORD),
      role: u.role,
      company_id: u.companyId ?? null,
    },
    u.territoryIds ?? [],
  );
}

export async function seedDemo(db: ReturnType<typeof createDatabase>) {
  return db.transaction().execute(async (trx) => {
    const adminId = await ensureUser(trx, {
      email: DEMO_USERS.admin,
      displayName: 'Administrateur démo',
      role: 'admin',
    });
    const admin: Principal = {
      kind: 'user',
      id: adminId,
      role: 'admin',
      email: DEMO_USERS.admin,
      displayName: 'Administrateur démo',
      territoryIds: null,
      companyId: null,
    };
    const ctx: RequestContext = { principal: admin, requestId: 'demo-seed' };

    let territory = await findTerritoryBySlug(trx, demoTerritory.slug);
    let created = false;
    if (!territory) {
      created = true;
      const t = await createTerritory(trx, ctx, {
        slug: demoTerritory.slug,
        name: demoTerritory.name,
      });
      for (const zone of demoTerritory.zones) {
        await createZone(trx, ctx, t.id, {
          type: 'Feature',
          properties: { name: zone.name },
          geometry: zone.geom,
        });
      }
      for (const c of demoTerritory.companies) {
        const company = await createCompany(trx, ctx, t.id, {
          siret: c.siret,
          name: c.name,
          nafCode: c.nafCode,
          headcountBand: c.headcountBand,
          address: c.address,
          location: c.location,
          isEss: c.isEss,
          consentShareIdentity: false,
          consentShareFlows: false,
        });
        const d = await createDiagnostic(trx, ctx, company.id, {
          visitedAt: c.diagnostic.visitedAt,
          notes: null,
          flows: c.diagnostic.flows.map((f) => ({
            kind: f.kind,
            category: f.category,
            resourceCode: f.resourceCode,
            label: f.label,
            quantity: f.quantity,
            unit: f.unit,
            period: f.period,
            costEurPerYear: f.costEurPerYear ?? null,
            hazardous: f.hazardous,
            quality: f.quality ?? {},
            availability: f.availability ?? null,
            confidentiality: f.confidentiality,
          })),
        });
        await validateDiagnostic(trx, ctx, d.id, undefined);
      }
      territory = (await findTerritoryBySlug(trx, demoTerritory.slug))!;
      await backdateValidations(trx, territory.id);
    }
    if (!(await hasConvention(trx, territory.id)))
      await createConvention(trx, ctx, territory.id, ConventionInput.parse(demoConvention));
    const officerId = await ensureUser(trx, {
      email: DEMO_USERS.officer,
      displayName: 'Chargée de mission EIT (démo)',
      role: 'officer',
      territoryIds: [territory.id],
    });
    const firstCompany = await findFirstCompany(trx, territory.id);
    if (firstCompany) {
      await ensureUser(trx, {
        email: DEMO_USERS.company,
        displayName: `${firstCompany.name} (démo)`,
        role: 'company',
        companyId: firstCompany.id,
      });
    }
    const token = newSecret('sbt');
    await insertToken(trx, officerId, sha256(token), new Date(Date.now() + 12 * 3600_000));
    return {
      territory,
      created,
      officerToken: token,
      companyName: firstCompany?.name ?? null,
      adminId,
    };
  });
}

/** Runs matching in-process (the worker would do the same) and returns the best proposals. */
export async function matchDemo(
  db: ReturnType<typeof createDatabase>,
  territoryId: string,
  adminId: string,
) {
  const runId = await db.transaction().execute((trx) =>
    requestMatchRun(trx, {
      territoryId,
      trigger: 'manual',
      scopeCompanyIds: [],
      params: {},
      requestedBy: adminId,
      requestId: 'demo-seed',
    }),
  );
  const result = await executeMatchRun(db, runId);
  return {
    runId,
    counts: result.skipped ? null : result.counts,
    top: [
      ...(await topSynergies(db, territoryId, 'substitution', 6)),
      ...(await topSynergies(db, territoryId, 'mutualisation', 4)),
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig();
  const db = createDatabase(config.DATABASE_URL, 2);
  try {
    const r = await seedDemo(db);
    const base = `http://${config.HOST}:${config.PORT}`;
    console.log(
      r.created
        ? `→ demo territory « ${r.territory.name} » seeded: ${demoTerritory.zones.length} zones, ${demoTerritory.companies.length} companies with validated diagnostics`
        : `✔ demo territory « ${r.territory.name} » already there (id ${r.territory.id})`,
    );
    console.log(`
Demo logins (password for all: ${DEMO_PASSWORD})
  administrator      ${DEMO_USERS.admin}
  project officer    ${DEMO_USERS.officer}
  company user       ${DEMO_USERS.company}${r.companyName ? `  (${r.companyName})` : ''}

A bearer token for the project officer, valid 12 h:
  export TOKEN=${r.officerToken}

Three example requests:
  curl -s -H "Authorization: Bearer $TOKEN" ${base}/v1/territories/${r.territory.id}/zones
  curl -s -H "Authorization: Bearer $TOKEN" "${base}/v1/territories/${r.territory.id}/companies?q=brasserie"
  curl -s -H "Authorization: Bearer $TOKEN" "${base}/v1/territories/${r.territory.id}/flows?resourceCode=1501*&limit=5"
`);
    const m = await matchDemo(db, r.territory.id, r.adminId);
    if (m.counts) {
      console.log(
        `→ matching: ${m.counts.proposals} proposals (${m.counts.substitutions} substitutions, ${m.counts.mutualisations} mutualisations) from ${m.counts.flows} flows and ${m.counts.rules} rules`,
      );
    }
    console.log('\nTop proposals of the demo territory:');
    for (const s of m.top) {
      console.log(`  ${(s.score ?? 0).toFixed(2)}  [${s.type}] ${s.explanation_fr ?? ''}`);
    }
    console.log(
      `  curl -s -H "Authorization: Bearer $TOKEN" "${base}/v1/territories/${r.territory.id}/synergies?limit=10"`,
    );
  } finally {
    await db.destroy();
  }
}
