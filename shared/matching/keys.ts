// Proposal keys and seeded randomness. A key is stable across runs as long as
// the type, the resource and the participating flows are unchanged: a re-run
// updates the same stored synergy, and a rejected key is never proposed again.
import { createHash } from 'node:crypto';
import type { ProposalType } from './types.ts';

/** sha256 of `${type}|${resourceCode}|${sorted flow ids}`, hex, first 32 characters. */
export function proposalKey(type: ProposalType, resourceCode: string, flowIds: string[]): string {
  const ids = [...flowIds].sort();
  return createHash('sha256')
    .update(`${type}|${resourceCode}|${ids.join(',')}`)
    .digest('hex')
    .slice(0, 32);
}

/** 32-bit seed from a string (FNV-1a), so that a group always gets the same seed. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny deterministic PRNG in [0, 1) (never Math.random in the engine). */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
