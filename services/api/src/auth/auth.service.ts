import { AppError } from '../../../../shared/errors.ts';
import type { Database, Executor } from '../../../core/src/db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { unauthenticated } from './access.ts';
import * as repo from './auth.repo.ts';
import type { Principal } from './principal.ts';
import { DUMMY_PASSWORD_HASH, newSecret, sha256, verifyPassword } from './secrets.ts';

export interface LoginPolicy {
  ttlHours: number;
  maxAttempts: number;
  lockMinutes: number;
}

/** Refusal of a locked address: the same for known and unknown accounts. */
export class LoginLocked extends AppError {
  readonly retryAfterSeconds: number;
  constructor(until: Date) {
    super('rate_limited', 'Trop d’échecs de connexion pour cette adresse : réessayez plus tard');
    this.retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  }
}

export async function login(
  db: Database,
  input: { email: string; password: string },
  policy: LoginPolicy,
  requestId: string,
): Promise<{ token: string; expiresAt: Date; principal: Principal }> {
  // Failures are counted per address, known or not, so a lock reveals nothing.
  const emailHash = sha256(input.email.trim().toLowerCase());
  const locked = await repo.lockedUntil(db, emailHash);
  if (locked) throw new LoginLocked(locked);
  const user = await repo.findUserByEmail(db, input.email);
  // Verify against a dummy hash when the account is unknown: same work, same timing.
  const ok = await verifyPassword(input.password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok || user.disabled_at) {
    await repo.recordLoginFailure(db, emailHash, policy.maxAttempts, policy.lockMinutes);
    throw new AppError('unauthenticated', 'Adresse électronique ou mot de passe incorrect');
  }
  await repo.clearLoginFailures(db, emailHash);
  const ttlHours = policy.ttlHours;
  const token = newSecret('sbt');
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  return db.transaction().execute(async (trx) => {
    await repo.insertToken(trx, user.id, sha256(token), expiresAt);
    const principal = await authenticate(trx, token);
    if (!principal) throw unauthenticated();
    await recordAudit(
      trx,
      { principal, requestId },
      {
        territoryId: null,
        action: 'login',
        entity: 'app_user',
        entityId: user.id,
      },
    );
    return { token, expiresAt, principal };
  });
}

export async function logout(db: Executor, token: string): Promise<void> {
  await repo.revokeToken(db, sha256(token));
}

/** Resolves a bearer secret to a principal, or null when it is unknown, expired or revoked. */
export async function authenticate(db: Executor, secret: string): Promise<Principal | null> {
  const hash = sha256(secret);
  if (secret.startsWith('sbk_')) {
    const key = await repo.findApiKeyByHash(db, hash);
    if (!key) return null;
    return {
      kind: 'api_key',
      id: key.id,
      role: 'partner',
      email: null,
      displayName: key.name,
      territoryIds: key.territory_ids ?? [],
      companyId: null,
    };
  }
  const u = await repo.findUserByTokenHash(db, hash);
  if (!u) return null;
  const role = u.role as Principal['role'];
  return {
    kind: 'user',
    id: u.id,
    role,
    email: u.email,
    displayName: u.display_name,
    territoryIds:
      role === 'admin'
        ? null
        : role === 'company'
          ? u.company_territory_id
            ? [u.company_territory_id]
            : []
          : (u.territory_ids ?? []),
    companyId: u.company_id,
  };
}

export function toMe(p: Principal) {
  return {
    kind: p.kind,
    id: p.id,
    role: p.role,
    email: p.email,
    displayName: p.displayName,
    territoryIds: p.territoryIds,
    companyId: p.companyId,
  };
}
