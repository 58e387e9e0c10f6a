import type { Executor } from '../../../core/src/db/database.ts';

/** The substitutions people rejected in the territory, as the engine must recognise them. */
export async function rejectionsOf(db: Executor, territoryId: string) {
  return db
    .selectFrom('synergy_rejection')
    .select(['supplier_company_id', 'receiver_company_id', 'rule_id', 'fingerprint'])
    .where('territory_id', '=', territoryId)
    .execute();
}
