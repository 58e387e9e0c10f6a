// Authorisation rules in one place. A resource of a territory the caller does
// not belong to answers 404 (its existence is not disclosed); a resource the
// caller can see but may not change answers 403.
import { AppError, forbidden, notFound } from '../../../../shared/errors.ts';
import type { Principal } from './principal.ts';

export function seesTerritory(p: Principal, territoryId: string): boolean {
  return p.territoryIds === null || p.territoryIds.includes(territoryId);
}

export function requireAdmin(p: Principal): void {
  if (p.role !== 'admin') throw forbidden('Réservé aux administrateurs');
}

/** Officers of the territory (and administrators) manage its data. */
export function requireOfficerOf(p: Principal, territoryId: string, what = 'Territoire'): void {
  if (!seesTerritory(p, territoryId)) throw notFound(what);
  if (p.role !== 'admin' && p.role !== 'officer') throw forbidden();
}

/** Reading a territory's non-aggregated data: officers, admins; company users only their own company. */
export function requireTerritoryReader(
  p: Principal,
  territoryId: string,
  what = 'Territoire',
): void {
  if (!seesTerritory(p, territoryId)) throw notFound(what);
  if (p.role === 'partner')
    throw forbidden('Les partenaires n’accèdent qu’aux indicateurs agrégés');
}

export function requireCompanyReader(
  p: Principal,
  company: { id: string; territory_id: string },
  what = 'Entreprise',
): void {
  if (!seesTerritory(p, company.territory_id)) throw notFound(what);
  if (p.role === 'company' && p.companyId !== company.id) throw notFound(what);
  if (p.role === 'partner')
    throw forbidden('Les partenaires n’accèdent qu’aux indicateurs agrégés');
}

export function unauthenticated(detail = 'Jeton absent, invalide ou expiré'): AppError {
  return new AppError('unauthenticated', detail);
}
