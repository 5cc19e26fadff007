/** Accent- and case-insensitive matching: 'Ángeles' and 'NUÑEZ' are stored as 'angeles' and 'nunez'. */
export function searchable(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** A LIKE pattern (ESCAPE '\') in which the user's '%', '_' and '\' match literally. */
export function containsPattern(userText: string): string {
  return `%${searchable(userText).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
