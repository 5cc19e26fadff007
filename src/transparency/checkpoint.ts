/**
 * C2SP tlog-checkpoint bodies: origin line, tree size in decimal, base64 of the
 * RFC 6962 root hash, each ending in a newline. We write no extension lines.
 */
import { HASH_BYTES } from './hashing.js';
import { TransparencyInputError } from './errors.js';

export interface TreeHead {
  origin: string;
  size: number;
  root: Buffer;
}

export function formatCheckpointBody({ origin, size, root }: TreeHead): string {
  return `${origin}\n${size}\n${root.toString('base64')}\n`;
}

export function parseCheckpointBody(text: string): TreeHead {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '' || lines.slice(0, -1).some((line) => line === '')) {
    throw new TransparencyInputError('A checkpoint is three or more non-empty lines: origin, tree size, base64 root hash');
  }
  const [origin, sizeText, rootText] = lines;
  if (!/^(0|[1-9]\d{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new TransparencyInputError(`The checkpoint's tree size "${sizeText.slice(0, 40)}" is not a decimal number`);
  }
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== HASH_BYTES || root.toString('base64') !== rootText) {
    throw new TransparencyInputError("The checkpoint's root hash is not the base64 of 32 bytes");
  }
  return { origin, size: Number(sizeText), root };
}
