import type { Role } from '../../../../shared/schemas/auth.ts';

/** Who is calling: a logged-in user or a partner's API key. */
export interface Principal {
  kind: 'user' | 'api_key';
  id: string;
  role: Role;
  email: string | null;
  displayName: string;
  /** Territories this principal may see; null = all (administrator). */
  territoryIds: string[] | null;
  /** The company of a company user. */
  companyId: string | null;
}

/** What every service call receives besides its input. */
export interface RequestContext {
  principal: Principal;
  requestId: string;
}
