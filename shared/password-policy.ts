// Password policy (ANSSI / OWASP ASVS 2.1): at least 12 characters (checked by the
// schema), not derived from the e-mail address, not one of the most common passwords.
// Length and this check together; no composition rules (they push towards "Password1!").

/** The most common passwords that are 12 characters or longer (public breach lists). */
const COMMON = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789123',
  '111111111111',
  '000000000000',
  '123123123123',
  'qwertyuiopas',
  'qwertyuiop123',
  'qwerty123456',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'azertyuiop12',
  'azertyuiop123',
  'azerty123456',
  'password1234',
  'password123!',
  'passwordpassword',
  'motdepasse123',
  'motdepasse1234',
  'motdepassemotdepasse',
  'iloveyou1234',
  'administrator',
  'administrateur',
  'adminadmin123',
  'welcome12345',
  'bienvenue123',
  'bienvenue1234',
  'changeme1234',
  'letmein12345',
  'abcdefghijkl',
  'abc123456789',
  'football1234',
  'sunshine1234',
  'princess1234',
  'soleil123456',
  'symbiose1234',
  'symbiose2024',
  'symbiose2025',
  'symbiose2026',
]);

function normalise(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');
}

/** Why a password is refused, in French, or null when it is acceptable. */
export function passwordWeakness(password: string, email: string): string | null {
  const p = normalise(password);
  const local = normalise(email.split('@')[0] ?? '');
  if (p === normalise(email) || (local.length >= 4 && p.includes(local))) {
    return 'le mot de passe ne doit pas reprendre l’adresse électronique';
  }
  if (COMMON.has(p) || new Set(p).size <= 2) {
    return 'ce mot de passe est trop courant ; choisissez une phrase de plusieurs mots';
  }
  return null;
}
