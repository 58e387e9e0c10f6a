import { normaliseResourceCode } from '../../../../shared/resource-code.ts';
import { sql } from 'kysely';
import type { Executor } from '../../../core/src/db/database.ts';

export async function findResourcesByCodes(db: Executor, codes: string[]) {
  if (codes.length === 0) return [];
  return db
    .selectFrom('resource')
    .select(['code', 'category', 'canonical_unit', 'hazardous', 'selectable', 'label_fr'])
    .where('code', 'in', codes)
    .execute();
}

export async function findResource(db: Executor, code: string) {
  return db.selectFrom('resource').selectAll().where('code', '=', code).executeTakeFirst();
}

/** Lower-cased, unaccented words, each matched as a substring of the search text. */
function words(q: string): string[] {
  return q
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .split(/[\s,;]+/)
    .filter(Boolean)
    .slice(0, 8);
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

export async function searchResources(
  db: Executor,
  f: {
    q?: string;
    codePrefix?: string;
    category?: string;
    source?: string;
    selectable?: boolean;
    hazardous?: boolean;
    afterCode?: string;
    limit: number;
  },
) {
  let query = db
    .selectFrom('resource')
    .selectAll()
    .orderBy('code')
    .limit(f.limit + 1);
  if (f.q) {
    for (const w of words(f.q)) query = query.where('search_text', 'like', `%${escapeLike(w)}%`);
  }
  if (f.codePrefix) {
    query = query.where('code', 'like', `${escapeLike(normaliseResourceCode(f.codePrefix))}%`);
  }
  if (f.category) query = query.where('category', '=', f.category);
  if (f.source) query = query.where('source', '=', f.source);
  if (f.selectable !== undefined) query = query.where('selectable', '=', f.selectable);
  if (f.hazardous !== undefined) query = query.where('hazardous', '=', f.hazardous);
  if (f.afterCode) query = query.where('code', '>', f.afterCode);
  return query.execute();
}

export async function searchNaf(
  db: Executor,
  f: { q?: string; afterCode?: string; limit: number },
) {
  let query = db
    .selectFrom('naf')
    .selectAll()
    .orderBy('code')
    .limit(f.limit + 1);
  if (f.q) {
    for (const w of words(f.q)) {
      const like = `%${escapeLike(w)}%`;
      query = query.where((eb) =>
        eb.or([
          eb(sql`lower(immutable_unaccent(label_fr))`, 'like', like),
          eb(
            sql`replace(code, '.', '')`,
            'like',
            `${escapeLike(w.replace('.', '').toUpperCase())}%`,
          ),
        ]),
      );
    }
  }
  if (f.afterCode) query = query.where('code', '>', f.afterCode);
  return query.execute();
}
