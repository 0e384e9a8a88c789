/**
 * The local Lex runtime's understanding of what a caller said, from a bot locale's data
 * (infra/lex/hotline-bot.ts): text is tokenized (case, accents, punctuation and contractions smoothed out),
 * each sample utterance is a pattern whose `{slot}` matches a value of the slot's type, and an intent scores
 * 1 when one of its utterances matches the whole text, else by weighted word overlap with its best utterance
 * (slot values found anywhere in the text standing in for their `{slot}`). No model, no randomness: the same
 * words always give the same answer, which is what tests and a person at the phone simulator need.
 */
import {
  BUILT_IN_SLOT_TYPES,
  type CustomSlotType,
  type IntentDefinition,
  type LocaleDefinition,
  type SlotDefinition,
} from '#infra/lex/hotline-bot';

export interface Token {
  /** Lower case, no accents, no apostrophes. */
  readonly text: string;
  /** Where the word is in the original text (for a slot's originalValue). */
  readonly start: number;
  readonly end: number;
}

export interface SlotMatch {
  readonly originalValue: string;
  readonly interpretedValue: string;
  readonly resolvedValues: readonly string[];
}

export interface SlotTypeMatcher {
  readonly name: string;
  /** The most words one value spans. */
  readonly maxSpan: number;
  /** What these words (all of them) mean for the type, or undefined. */
  match(span: readonly Token[], text: string): SlotMatch | undefined;
}

interface CompiledUtterance {
  readonly parts: readonly ({ readonly literal: string } | { readonly slot: string })[];
  /** Literal words and `{slot}` placeholders, for overlap scoring. */
  readonly bag: ReadonlySet<string>;
}

export interface CompiledIntent {
  readonly definition: IntentDefinition;
  readonly utterances: readonly CompiledUtterance[];
}

export interface CompiledLocale {
  readonly definition: LocaleDefinition;
  readonly intents: readonly CompiledIntent[];
  readonly fallbackIntent?: IntentDefinition;
  readonly matchers: ReadonlyMap<string, SlotTypeMatcher>;
}

export interface IntentCandidate {
  readonly intent: IntentDefinition;
  /** 0..1, two decimals; 1 only for an utterance matching the whole text. */
  readonly score: number;
  /** Slot values the text gave for this intent. */
  readonly slots: ReadonlyMap<string, SlotMatch>;
}

/** Words that carry the shape of a sentence but little of its meaning: they count a fifth in overlap. */
const STOPWORDS = new Set(
  (
    'i me my mine we our us you your a an the to is am are was were be been it its of in on at for with and or ' +
    'about this that there here what which do does did have has had can could would will should want need like ' +
    'just some so get got ' +
    'yo mi mis el la los las un una unos unas de del al en con por para que y o es son esta estan hay su sus se lo le'
  ).split(' '),
);
/** Said on the phone without meaning anything: ignored entirely. */
const FILLERS = new Set([
  'um',
  'uh',
  'er',
  'erm',
  'hmm',
  'please',
  'hi',
  'hello',
  'hey',
  'ok',
  'okay',
  'thanks',
  'hola',
]);
const STOPWORD_WEIGHT = 0.2;
/** "my gas bill" is a gas bill: a value may be said after one of these. */
const DETERMINERS = new Set([
  'my',
  'our',
  'your',
  'the',
  'a',
  'an',
  'mi',
  'mis',
  'su',
  'sus',
  'el',
  'la',
  'los',
  'las',
]);
/** An utterance that matches only partly never scores as high as one that matches exactly. */
const PARTIAL_CEILING = 0.9;

const DIGIT_WORDS: Readonly<Record<string, string>> = {
  zero: '0',
  oh: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  cero: '0',
  uno: '1',
  dos: '2',
  tres: '3',
  cuatro: '4',
  cinco: '5',
  seis: '6',
  siete: '7',
  ocho: '8',
  nueve: '9',
};

const IS_CONTRACTED = new Set(['it', 'that', 'there', 'what', 'where', 'here', 'who', 'he', 'she']);

/** "I'm" -> ["i", "am"], "don't" -> ["do", "not"], "there's" -> ["there", "is"]; other apostrophes dropped. */
function expandContraction(word: string): string[] {
  const lower = word.toLowerCase().replace(/[’`]/g, "'");
  if (lower === "won't") return ['will', 'not'];
  if (lower === "can't") return ['can', 'not'];
  const suffixes: readonly [string, string][] = [
    ["n't", 'not'],
    ["'m", 'am'],
    ["'re", 'are'],
    ["'ve", 'have'],
    ["'ll", 'will'],
    ["'d", 'would'],
  ];
  for (const [suffix, expansion] of suffixes) {
    if (lower.endsWith(suffix) && lower.length > suffix.length)
      return [lower.slice(0, -suffix.length), expansion];
  }
  if (lower.endsWith("'s") && IS_CONTRACTED.has(lower.slice(0, -2))) return [lower.slice(0, -2), 'is'];
  return [lower.replace(/'/g, '')];
}

const stripAccents = (word: string) => word.normalize('NFD').replace(/\p{M}/gu, '');

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}]+(?:['’`][\p{L}\p{N}]+)*/gu)) {
    const start = match.index;
    const end = start + match[0].length;
    for (const word of expandContraction(match[0])) {
      const normal = stripAccents(word);
      if (normal) tokens.push({ text: normal, start, end });
    }
  }
  return tokens;
}

/** The words that matter for matching: fillers ("um", "please") left out. */
export const meaningful = (tokens: readonly Token[]) => tokens.filter((token) => !FILLERS.has(token.text));

const originalOf = (span: readonly Token[], text: string) =>
  text.slice(span[0]?.start ?? 0, span[span.length - 1]?.end ?? 0);

const phraseKey = (tokens: readonly Token[]) => tokens.map((t) => t.text).join(' ');
const singular = (key: string) =>
  key
    .split(' ')
    .map((word) => (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word))
    .join(' ');

/** Digits said or keyed: "1 0 0", "one oh oh", "100-27" -> "10027"; undefined when a word is not a digit. */
function digitsOf(span: readonly Token[]): string | undefined {
  let digits = '';
  for (const token of span) {
    const digit = DIGIT_WORDS[token.text] ?? (/^\d+$/.test(token.text) ? token.text : undefined);
    if (digit === undefined) return undefined;
    digits += digit;
  }
  return digits;
}

/** A code read out: one word with a digit in it ("ab12"), or letters and digits one by one ("a b 1 2"). */
function alphaNumericOf(span: readonly Token[]): string | undefined {
  const [only] = span;
  if (span.length === 1 && only) {
    const digit = DIGIT_WORDS[only.text];
    if (digit !== undefined) return digit;
    return /\d/.test(only.text) && /^[a-z0-9]+$/.test(only.text) ? only.text.toUpperCase() : undefined;
  }
  let code = '';
  for (const token of span) {
    const part =
      DIGIT_WORDS[token.text] ??
      (/^\d+$/.test(token.text)
        ? token.text
        : /^[a-z]$/.test(token.text)
          ? token.text.toUpperCase()
          : undefined);
    if (part === undefined) return undefined;
    code += part;
  }
  return code;
}

const UNITS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const TENS: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const SCALES: Readonly<Record<string, number>> = { thousand: 1_000, million: 1_000_000 };

/** "twenty five" -> 25, "one hundred and five" -> 105; undefined for anything else. */
function englishNumber(words: readonly string[]): number | undefined {
  let total = 0;
  let current = 0;
  let last: 'unit' | 'ten' | 'hundred' | 'scale' | 'and' | undefined;
  for (const word of words) {
    if (word in UNITS) {
      if (last === 'unit' || (last === 'ten' && (UNITS[word] ?? 0) >= 10)) return undefined;
      current += UNITS[word] ?? 0;
      last = 'unit';
    } else if (word in TENS) {
      if (last === 'unit' || last === 'ten') return undefined;
      current += TENS[word] ?? 0;
      last = 'ten';
    } else if (word === 'hundred') {
      if (last !== 'unit') return undefined;
      current *= 100;
      last = 'hundred';
    } else if (word in SCALES) {
      if (last === undefined || last === 'and' || last === 'scale') return undefined;
      total += current * (SCALES[word] ?? 1);
      current = 0;
      last = 'scale';
    } else if (word === 'and') {
      if (last !== 'hundred' && last !== 'scale') return undefined;
      last = 'and';
    } else {
      return undefined;
    }
  }
  return last === undefined || last === 'and' ? undefined : total + current;
}

function builtInMatcher(name: string): SlotTypeMatcher | undefined {
  switch (name) {
    case 'AMAZON.AlphaNumeric':
      return {
        name,
        maxSpan: 20,
        match: (span, text) => {
          const code = alphaNumericOf(span);
          return code
            ? { originalValue: originalOf(span, text), interpretedValue: code, resolvedValues: [code] }
            : undefined;
        },
      };
    case 'AMAZON.Number':
      return {
        name,
        maxSpan: 8,
        match: (span, text) => {
          const [only] = span;
          const number =
            span.length === 1 && only && /^\d+$/.test(only.text)
              ? String(Number(only.text))
              : (englishNumber(span.map((t) => t.text))?.toString() ??
                (span.length > 1 ? digitsOf(span) : undefined));
          return number !== undefined
            ? { originalValue: originalOf(span, text), interpretedValue: number, resolvedValues: [number] }
            : undefined;
        },
      };
    case 'AMAZON.PhoneNumber':
      return {
        name,
        maxSpan: 20,
        match: (span, text) => {
          const digits = digitsOf(span);
          if (digits === undefined || digits.length < 7 || digits.length > 15) return undefined;
          const start = span[0]?.start ?? 0;
          const number = text[start - 1] === '+' ? `+${digits}` : digits;
          return {
            originalValue: originalOf(span, text),
            interpretedValue: number,
            resolvedValues: [number],
          };
        },
      };
    default:
      return undefined;
  }
}

function customMatcher(slotType: CustomSlotType): SlotTypeMatcher {
  if (slotType.kind === 'pattern') {
    const parent = builtInMatcher(slotType.parent);
    const pattern = new RegExp(`^(?:${slotType.pattern})$`);
    return {
      name: slotType.name,
      maxSpan: parent?.maxSpan ?? 20,
      match: (span, text) => {
        const found = parent?.match(span, text);
        return found && pattern.test(found.interpretedValue) ? found : undefined;
      },
    };
  }
  const phrases = new Map<string, string>();
  const singulars = new Map<string, string>();
  let maxSpan = 1;
  for (const entry of slotType.values) {
    for (const phrase of [entry.value.replace(/_/g, ' '), ...entry.synonyms]) {
      const tokens = tokenize(phrase);
      const key = phraseKey(tokens);
      if (!key) continue;
      if (!phrases.has(key)) phrases.set(key, entry.value);
      if (!singulars.has(singular(key))) singulars.set(singular(key), entry.value);
      maxSpan = Math.max(maxSpan, tokens.length + 1);
    }
  }
  return {
    name: slotType.name,
    maxSpan,
    match: (span, text) => {
      const lookup = (words: readonly Token[]) => {
        const key = phraseKey(words);
        return phrases.get(key) ?? singulars.get(singular(key));
      };
      const [first] = span;
      const value =
        lookup(span) ??
        (span.length > 1 && first && DETERMINERS.has(first.text) ? lookup(span.slice(1)) : undefined);
      return value !== undefined
        ? { originalValue: originalOf(span, text), interpretedValue: value, resolvedValues: [value] }
        : undefined;
    },
  };
}

function compileUtterance(utterance: string, intent: IntentDefinition): CompiledUtterance {
  const parts: ({ literal: string } | { slot: string })[] = [];
  for (const piece of utterance.split(/(\{[^}]*\})/)) {
    const slot = /^\{([^}]*)\}$/.exec(piece)?.[1];
    if (slot !== undefined) {
      if (!intent.slots.some((s) => s.name === slot)) {
        throw new Error(
          `Intent ${intent.name}: utterance "${utterance}" names no slot of the intent: {${slot}}`,
        );
      }
      parts.push({ slot });
    } else {
      for (const token of meaningful(tokenize(piece))) parts.push({ literal: token.text });
    }
  }
  const bag = new Set(parts.map((part) => ('slot' in part ? `{${part.slot}}` : part.literal)));
  return { parts, bag };
}

/** A locale's data made ready to match; a definition that names an unknown slot or type is refused here. */
export function compileLocale(locale: LocaleDefinition): CompiledLocale {
  const matchers = new Map<string, SlotTypeMatcher>();
  for (const slotType of locale.slotTypes) matchers.set(slotType.name, customMatcher(slotType));
  for (const name of BUILT_IN_SLOT_TYPES) {
    const matcher = builtInMatcher(name);
    if (matcher) matchers.set(name, matcher);
  }
  const intents: CompiledIntent[] = [];
  let fallbackIntent: IntentDefinition | undefined;
  for (const intent of locale.intents) {
    for (const slot of intent.slots) {
      if (!matchers.has(slot.slotType)) {
        throw new Error(`Intent ${intent.name}: slot ${slot.name} has an unknown type ${slot.slotType}`);
      }
    }
    if (intent.parentIntentSignature === 'AMAZON.FallbackIntent') {
      fallbackIntent = intent;
      continue;
    }
    intents.push({
      definition: intent,
      utterances: intent.sampleUtterances.map((u) => compileUtterance(u, intent)),
    });
  }
  return { definition: locale, intents, ...(fallbackIntent ? { fallbackIntent } : {}), matchers };
}

/** The whole of `tokens` against one utterance's pattern; the slots it captured, or undefined. */
function matchExactly(
  locale: CompiledLocale,
  intent: IntentDefinition,
  parts: CompiledUtterance['parts'],
  tokens: readonly Token[],
  text: string,
): Map<string, SlotMatch> | undefined {
  const captured = new Map<string, SlotMatch>();
  const step = (partIndex: number, tokenIndex: number): boolean => {
    const part = parts[partIndex];
    if (!part) return tokenIndex === tokens.length;
    if ('literal' in part)
      return tokens[tokenIndex]?.text === part.literal && step(partIndex + 1, tokenIndex + 1);
    const slot = intent.slots.find((s) => s.name === part.slot);
    const matcher = slot ? locale.matchers.get(slot.slotType) : undefined;
    if (!matcher) return false;
    const longest = Math.min(matcher.maxSpan, tokens.length - tokenIndex);
    for (let length = longest; length >= 1; length--) {
      const found = matcher.match(tokens.slice(tokenIndex, tokenIndex + length), text);
      if (!found) continue;
      captured.set(part.slot, found);
      if (step(partIndex + 1, tokenIndex + length)) return true;
      captured.delete(part.slot);
    }
    return false;
  };
  return step(0, 0) ? captured : undefined;
}

interface Spot {
  readonly start: number;
  readonly end: number;
  /** Slot type name -> what the words mean for it (one span may be a value of several types). */
  readonly values: Map<string, SlotMatch>;
}

/**
 * Slot values anywhere in the text, for every type the locale uses: the longest words first, so "my gas bill"
 * is a bill and not a gas leak.
 */
function spotValues(matchers: readonly SlotTypeMatcher[], tokens: readonly Token[], text: string): Spot[] {
  const candidates: { start: number; end: number; type: string; found: SlotMatch }[] = [];
  for (let start = 0; start < tokens.length; start++) {
    for (const matcher of matchers) {
      for (let length = Math.min(matcher.maxSpan, tokens.length - start); length >= 1; length--) {
        const found = matcher.match(tokens.slice(start, start + length), text);
        if (found) {
          candidates.push({ start, end: start + length, type: matcher.name, found });
          break;
        }
      }
    }
  }
  candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const spots: Spot[] = [];
  for (const candidate of candidates) {
    const same = spots.find((s) => s.start === candidate.start && s.end === candidate.end);
    if (same) {
      if (!same.values.has(candidate.type)) same.values.set(candidate.type, candidate.found);
    } else if (!spots.some((s) => candidate.start < s.end && s.start < candidate.end)) {
      spots.push({
        start: candidate.start,
        end: candidate.end,
        values: new Map([[candidate.type, candidate.found]]),
      });
    }
  }
  return spots.sort((a, b) => a.start - b.start);
}

const weight = (word: string) => (STOPWORDS.has(word) ? STOPWORD_WEIGHT : 1);
const total = (words: Iterable<string>) => {
  let sum = 0;
  for (const word of words) sum += weight(word);
  return sum;
};

/** Weighted Dice overlap of two bags of words. */
function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let common = 0;
  for (const word of a) if (b.has(word)) common += weight(word);
  const sum = total(a) + total(b);
  return sum === 0 ? 0 : (2 * common) / sum;
}

/** The text's words with the spotted values of this intent's slots replaced by `{slot}`. */
function slottedBag(intent: IntentDefinition, tokens: readonly Token[], spots: readonly Spot[]) {
  const bag = new Set<string>();
  const slots = new Map<string, SlotMatch>();
  let index = 0;
  while (index < tokens.length) {
    const spot = spots.find((s) => s.start === index);
    const slot = spot && intent.slots.find((s) => !slots.has(s.name) && spot.values.has(s.slotType));
    const found = slot && spot?.values.get(slot.slotType);
    if (spot && slot && found) {
      bag.add(`{${slot.name}}`);
      slots.set(slot.name, found);
      index = spot.end;
    } else {
      bag.add(tokens[index]?.text ?? '');
      index += 1;
    }
  }
  return { bag, slots };
}

const twoDecimals = (score: number) => Math.round(score * 100) / 100;

/** Every intent of the locale (not the fallback) scored against the text, the best first. */
export function rankIntents(locale: CompiledLocale, text: string): IntentCandidate[] {
  const tokens = meaningful(tokenize(text));
  const usedTypes = new Set(locale.intents.flatMap((i) => i.definition.slots.map((s) => s.slotType)));
  const matchers = [...usedTypes].flatMap((type) => locale.matchers.get(type) ?? []);
  const spots = spotValues(matchers, tokens, text);
  const ranked = locale.intents.map((compiled, order) => {
    const intent = compiled.definition;
    for (const utterance of compiled.utterances) {
      const exact = matchExactly(locale, intent, utterance.parts, tokens, text);
      if (exact) return { intent, score: 1, slots: exact, order };
    }
    const { bag, slots } = slottedBag(intent, tokens, spots);
    const best = Math.max(0, ...compiled.utterances.map((u) => overlap(bag, u.bag)));
    return { intent, score: twoDecimals(best * PARTIAL_CEILING), slots, order };
  });
  return ranked
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map(({ intent, score, slots }) => ({ intent, score, slots }));
}

/** A value for one slot from an answer to its prompt: the whole answer, else the longest value in it. */
export function fillSlot(locale: CompiledLocale, slot: SlotDefinition, text: string): SlotMatch | undefined {
  const matcher = locale.matchers.get(slot.slotType);
  if (!matcher) return undefined;
  const tokens = meaningful(tokenize(text));
  if (tokens.length === 0) return undefined;
  if (tokens.length <= matcher.maxSpan) {
    const whole = matcher.match(tokens, text);
    if (whole) return whole;
  }
  const [first] = spotValues([matcher], tokens, text);
  return first?.values.get(matcher.name);
}
