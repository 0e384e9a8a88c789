/**
 * What the desk accepts as human text (a name, an address, a description): well-formed Unicode (no lone
 * UTF-16 surrogate, which DynamoDB stores but no client can read back), no NUL or other control character
 * (line breaks and tabs are allowed where the text may have lines), and at least one visible character.
 */

/** A lone surrogate: with the `u` flag, `\p{Cs}` matches only surrogates that are not part of a pair. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Control characters (C0, DEL, C1) other than tab, line feed and carriage return. */
const CONTROL = /(?![\t\n\r])\p{Cc}/u;
const LINE_BREAKS = /[\t\n\r]/;
/** Code points that show nothing: white space, format characters (zero-width space, joiners, BOM, bidi marks). */
const INVISIBLE = /^[\s\p{Cf}\p{Zs}\u115F\u1160\u3164\uFFA0\u2800]*$/u;

export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Why a piece of human text is refused, or undefined when it is acceptable. */
export function humanTextProblem(text: string, options: { multiline?: boolean } = {}): string | undefined {
  if (!isWellFormedText(text)) return 'contains an unpaired UTF-16 surrogate (not valid text)';
  if (CONTROL.test(text)) return 'contains a control character (such as NUL)';
  if (!options.multiline && LINE_BREAKS.test(text)) return 'must be a single line';
  if (INVISIBLE.test(text)) return 'has no visible character';
  return undefined;
}
