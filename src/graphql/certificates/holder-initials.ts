/**
 * The masked name verifyCertificate shows: each word's initial, with the
 * particles of Spanish names kept whole ('María de los Ángeles Ortiz' ->
 * 'M. de los A. O.'), so a holder can recognise it and nobody else learns it.
 */
const PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'y', 'e', 'da', 'van', 'von']);

export function holderInitials(fullName: string): string {
  return fullName
    .split(/\s+/u)
    .filter((word) => word.length > 0)
    .map((word) => (PARTICLES.has(word.toLowerCase()) ? word.toLowerCase() : `${[...word][0].toUpperCase()}.`))
    .join(' ');
}
