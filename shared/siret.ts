// SIRET = SIREN (9 digits) + NIC (5 digits), validated by the Luhn algorithm.
// La Poste's establishments (SIREN 356000000) are the documented exception:
// INSEE validates them by "sum of the digits is a multiple of 5" (the head
// office, 356 000 000 00048, also passes Luhn).

const LA_POSTE_SIREN = '356000000';

function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Double every second digit counting from the right.
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

export function isValidSiret(value: string): boolean {
  if (!/^\d{14}$/.test(value)) return false;
  if (value.startsWith(LA_POSTE_SIREN)) {
    let sum = 0;
    for (const c of value) sum += c.charCodeAt(0) - 48;
    if (sum % 5 === 0) return true;
  }
  return luhnSum(value) % 10 === 0;
}

export function isValidSiren(value: string): boolean {
  return /^\d{9}$/.test(value) && luhnSum(value) % 10 === 0;
}

/**
 * Completes 13 digits into a Luhn-valid 14-digit SIRET (used by the demo data
 * and test factories to make fictional but valid identifiers).
 */
export function completeSiret(first13: string): string {
  if (!/^\d{13}$/.test(first13)) throw new Error('completeSiret expects 13 digits');
  for (let d = 0; d <= 9; d++) {
    const candidate = `${first13}${d}`;
    if (luhnSum(candidate) % 10 === 0) return candidate;
  }
  throw new Error('unreachable: one Luhn check digit always exists');
}
