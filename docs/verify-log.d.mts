// Types of docs/verify-log.mjs, for the tests that use it as the separate verifier.
export class VerifyError extends Error {}
export interface VerifiedCheckpoint { origin: string; size: bigint; root: Buffer; text: string }
export function parseVerifierKey(vkey: string): { name: string; keyId: Buffer; type: number };
export function verifyCheckpoint(note: string, vkey: string, witnesses?: string[]): VerifiedCheckpoint;
export function verifyInclusion(leafIndex: number | bigint | string, treeSize: number | bigint | string, leafHash: Buffer, path: Buffer[], root: Buffer): void;
export function verifyConsistency(first: number | bigint | string, second: number | bigint | string, firstRoot: Buffer, secondRoot: Buffer, proof: Buffer[]): void;
export function verifyInclusionAnswer(proof: unknown, vkey: string): VerifiedCheckpoint;
export function verifyConsistencyAnswer(proof: unknown, oldNote: string, vkey: string): { old: VerifiedCheckpoint; now: VerifiedCheckpoint };
export function verifyExportAgainst(lines: AsyncIterable<string> | Iterable<string>, checkpoint: { size: bigint; root: Buffer }): Promise<bigint>;
