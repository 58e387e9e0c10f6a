import { normaliseResourceCode } from '../../../../shared/resource-code.ts';
import type { z } from 'zod';
import { notFound } from '../../../../shared/errors.ts';
import type {
  NafListQuery,
  Resource,
  ResourceListQuery,
} from '../../../../shared/schemas/resources.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import * as repo from './resources.repo.ts';

type Row = NonNullable<Awaited<ReturnType<typeof repo.findResource>>>;

export function toResource(r: Row): z.infer<typeof Resource> {
  return {
    code: r.code,
    codeDisplay: r.code_display ?? r.code,
    parentCode: r.parent_code,
    source: r.source as 'ewc' | 'catalogue',
    category: r.category as z.infer<typeof Resource>['category'],
    canonicalUnit: r.canonical_unit,
    labelFr: r.label_fr,
    labelEn: r.label_en,
    level: r.level,
    hazardous: r.hazardous,
    selectable: r.selectable,
    synonymsFr: r.synonyms_fr,
  };
}

export async function searchResources(db: Executor, q: z.infer<typeof ResourceListQuery>) {
  const after = decodeCursor<[string]>(q.cursor, 1);
  const rows = await repo.searchResources(db, { ...q, afterCode: after?.[0] });
  return toPage(rows, q.limit, toResource, (r) => [r.code]);
}

export async function getResource(db: Executor, code: string) {
  const r = await repo.findResource(db, normaliseResourceCode(code));
  if (!r) throw notFound('Ressource');
  return toResource(r);
}

export async function searchNaf(db: Executor, q: z.infer<typeof NafListQuery>) {
  const after = decodeCursor<[string]>(q.cursor, 1);
  const rows = await repo.searchNaf(db, { q: q.q, afterCode: after?.[0], limit: q.limit });
  return toPage(
    rows,
    q.limit,
    (n) => ({
      code: n.code,
      labelFr: n.label_fr,
      section: n.section,
      sectionLabelFr: n.section_label_fr,
      division: n.division,
      divisionLabelFr: n.division_label_fr,
    }),
    (n) => [n.code],
  );
}
