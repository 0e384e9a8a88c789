/**
 * The hotline's Amazon Lex V2 bot as plain data: what a caller may say instead of pressing keys. One
 * source for the CDK construct (infra/lex/bot-construct.ts renders it to AWS::Lex::Bot) and the local Lex
 * runtime (local/lex/), so the bot that is deployed and the bot that runs offline cannot drift apart.
 * The complaint categories are the domain's (shared/domain/caller-keypad.ts): a category the caller names
 * resolves to the same value key presses store.
 */
import { PHONE_CATEGORY_CHOICES } from '#shared/domain/caller-keypad';

/** Built-in slot types the bot (and the local runtime) understands. */
export const BUILT_IN_SLOT_TYPES = ['AMAZON.AlphaNumeric', 'AMAZON.Number', 'AMAZON.PhoneNumber'] as const;
export type BuiltInSlotType = (typeof BUILT_IN_SLOT_TYPES)[number];

export interface SlotTypeValue {
  /** What the slot resolves to (Lex's interpretedValue with TopResolution). */
  readonly value: string;
  /** Other ways of saying it; each resolves to `value`. */
  readonly synonyms: readonly string[];
}

/** A custom slot type: a list of values with synonyms, or a built-in narrowed by a regular expression. */
export type CustomSlotType =
  | {
      readonly kind: 'values';
      readonly name: string;
      readonly description: string;
      readonly values: readonly SlotTypeValue[];
    }
  | {
      readonly kind: 'pattern';
      readonly name: string;
      readonly description: string;
      readonly parent: 'AMAZON.AlphaNumeric';
      /** Lex's regex filter syntax (a subset of JavaScript's): the whole value must match. */
      readonly pattern: string;
    };

export interface SlotDefinition {
  /** Lex's pattern `^([0-9a-zA-Z][_-]?)+$`; written `{name}` in sample utterances. */
  readonly name: string;
  readonly description: string;
  /** A custom type of the same locale, or a built-in. */
  readonly slotType: string;
  readonly required: boolean;
  /** What the bot asks when the slot is still empty. */
  readonly prompt: string;
  /** Re-prompts after the first prompt before the intent fails. */
  readonly maxRetries: number;
}

export interface IntentDefinition {
  /** What a contact flow branches on (ConnectParticipantWithLexBot's conditions). */
  readonly name: string;
  readonly description: string;
  /** Set for a built-in intent, which has no utterances of its own. */
  readonly parentIntentSignature?: 'AMAZON.FallbackIntent';
  /** Sample utterances; `{slot}` stands for a value of that slot. */
  readonly sampleUtterances: readonly string[];
  /** In the order the bot elicits them. */
  readonly slots: readonly SlotDefinition[];
  /** Said once every required slot is filled; the flow speaks otherwise. */
  readonly closingMessage?: string;
}

export interface LocaleDefinition {
  readonly localeId: 'en_US' | 'es_US';
  readonly description: string;
  /** The Amazon Polly voice the bot speaks with on the phone. */
  readonly voiceId: string;
  /** Below this confidence Lex answers with the fallback intent. */
  readonly nluConfidenceThreshold: number;
  readonly slotTypes: readonly CustomSlotType[];
  readonly intents: readonly IntentDefinition[];
}

export interface BotDefinition {
  readonly name: string;
  readonly description: string;
  /** A conversation idle this long is forgotten (Lex: 60 to 86400 seconds). */
  readonly idleSessionTtlSeconds: number;
  readonly locales: readonly LocaleDefinition[];
}

export const FALLBACK_INTENT = 'FallbackIntent';

/** Intent names, what a flow's conditions compare `$.Lex.IntentName` with. */
export const HOTLINE_INTENTS = {
  fileComplaint: 'FileComplaint',
  checkStatus: 'CheckStatus',
  reportEmergency: 'ReportEmergency',
  requestCallback: 'RequestCallback',
  speakToAgent: 'SpeakToAgent',
  fallback: FALLBACK_INTENT,
} as const;

/** Hazards the emergency desk handles first; values are what `$.Lex.Slots.hazard` carries. */
export const HAZARDS = [
  'gas_leak',
  'power_outage',
  'flooding',
  'downed_line',
  'fire_or_sparks',
  'sewage_overflow',
] as const;
export type Hazard = (typeof HAZARDS)[number];

/** Ticket numbers are 5 to 12 digits (shared/domain/ticket-number.ts); the check digit is the flow's to check. */
export const TICKET_NUMBER_PATTERN = '[0-9]{5,12}';

type Synonyms<K extends string> = Readonly<Record<K, readonly string[]>>;

const categoryValues = PHONE_CATEGORY_CHOICES.map((choice) => choice.value);

/** A slot type of the domain's categories: each value's words, plus (in English) how the key menu names it. */
function categorySlotType(
  description: string,
  synonyms: Readonly<Record<string, readonly string[]>>,
  withMenuWords: boolean,
): CustomSlotType {
  return {
    kind: 'values',
    name: 'ComplaintCategory',
    description,
    values: categoryValues.map((value) => {
      const words = synonyms[value];
      if (!words || words.length === 0) throw new Error(`No words for the complaint category ${value}`);
      const spoken = PHONE_CATEGORY_CHOICES.find((choice) => choice.value === value)?.spoken;
      return { value, synonyms: synonymsOf(value, [...words, ...(withMenuWords && spoken ? [spoken] : [])]) };
    }),
  };
}

function hazardSlotType(description: string, synonyms: Synonyms<Hazard>): CustomSlotType {
  return {
    kind: 'values',
    name: 'Hazard',
    description,
    values: HAZARDS.map((value) => ({ value, synonyms: synonymsOf(value, synonyms[value]) })),
  };
}

function ticketNumberSlotType(description: string): CustomSlotType {
  return {
    kind: 'pattern',
    name: 'TicketNumber',
    description,
    parent: 'AMAZON.AlphaNumeric',
    pattern: TICKET_NUMBER_PATTERN,
  };
}

/** Case-insensitively distinct and other than the value, first spelling kept: Lex refuses a word listed twice. */
function synonymsOf(value: string, words: readonly string[]): string[] {
  const seen = new Set<string>([value.toLowerCase()]);
  return words.filter((word) => {
    const key = word.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const fallbackIntent = (description: string): IntentDefinition => ({
  name: FALLBACK_INTENT,
  description,
  parentIntentSignature: 'AMAZON.FallbackIntent',
  sampleUtterances: [],
  slots: [],
});

const englishUs: LocaleDefinition = {
  localeId: 'en_US',
  description: 'Callers of the complaint hotline, in English',
  voiceId: 'Joanna',
  nluConfidenceThreshold: 0.4,
  slotTypes: [
    categorySlotType(
      'What a complaint is about',
      {
        supply_interruption: [
          'supply interruption',
          'interruption of my supply',
          'interruption',
          'my supply',
          'supply',
          'outage',
          'outages',
          'no water',
          'water cut off',
          'water is off',
          'power cut',
          'power cuts',
          'cut off',
          'disconnection',
        ],
        water_quality: [
          'water quality',
          'quality of my water',
          'dirty water',
          'brown water',
          'discolored water',
          'discoloured water',
          'cloudy water',
          'smelly water',
          'tap water',
          'drinking water',
          'water tastes bad',
        ],
        billing: [
          'bill',
          'my bill',
          'billing',
          'gas bill',
          'water bill',
          'electricity bill',
          'invoice',
          'charges',
          'overcharged',
          'overcharging',
          'payment',
          'direct debit',
          'refund',
          'tariff',
        ],
        metering: [
          'meter',
          'my meter',
          'metering',
          'meter reading',
          'smart meter',
          'faulty meter',
          'estimated reading',
        ],
        staff_conduct: [
          'staff',
          'staff conduct',
          'conduct of your staff',
          'rude staff',
          'your engineer',
          'an engineer',
          'technician',
          'employee',
          'customer service',
          'behavior',
          'behaviour',
        ],
        damage: [
          'damage',
          'damages',
          'property damage',
          'damage to my property',
          'damaged property',
          'my garden',
          'my driveway',
          'my fence',
        ],
        other: ['something else', 'anything else', 'another matter', 'other', 'general enquiry'],
      },
      true,
    ),
    hazardSlotType('A danger to life or property the emergency desk handles first', {
      gas_leak: ['gas', 'gas leak', 'leaking gas', 'gas smell', 'smell of gas', 'rotten eggs', 'gas escape'],
      power_outage: [
        'no power',
        'power outage',
        'power is out',
        'power went out',
        'power is off',
        'lost power',
        'no electricity',
        'blackout',
      ],
      flooding: [
        'flood',
        'flooding',
        'flooded',
        'burst main',
        'burst water main',
        'burst pipe',
        'water everywhere',
        'water pouring out',
      ],
      downed_line: [
        'downed line',
        'downed power line',
        'power line',
        'power lines',
        'power line down',
        'line down',
        'fallen power line',
        'wire down',
        'cable down',
        'fallen cable',
        'live wire',
      ],
      fire_or_sparks: ['fire', 'smoke', 'sparks', 'sparking', 'explosion', 'burning smell'],
      sewage_overflow: ['sewage', 'sewage overflow', 'sewer overflow', 'sewage backing up', 'raw sewage'],
    }),
    ticketNumberSlotType('A complaint number, read out or keyed in'),
  ],
  intents: [
    {
      name: HOTLINE_INTENTS.fileComplaint,
      description: 'The caller wants to register a complaint',
      sampleUtterances: [
        'I want to make a complaint',
        'I want to file a complaint',
        'I would like to complain',
        'I have a complaint',
        'I want to complain',
        'I need to lodge a complaint',
        'new complaint',
        'I want to make a complaint about {category}',
        'I want to file a complaint about {category}',
        'I would like to complain about {category}',
        'I have a complaint about {category}',
        'complaint about {category}',
        'my complaint is about {category}',
        'I am calling about {category}',
        'there is a problem with {category}',
        'I have a problem with {category}',
        'I am not happy with {category}',
        'I want to report a problem with {category}',
        'register a complaint about {category}',
        'we keep having {category}',
        'we have {category} every day',
      ],
      slots: [
        {
          name: 'category',
          description: 'What the complaint is about',
          slotType: 'ComplaintCategory',
          required: true,
          prompt:
            'What is your complaint about? For example your bill, your meter, the quality of your water, an interruption of your supply, damage to your property or the conduct of our staff.',
          maxRetries: 2,
        },
      ],
    },
    {
      name: HOTLINE_INTENTS.checkStatus,
      description: 'The caller asks how a complaint they made is going',
      sampleUtterances: [
        'what is the status of my complaint',
        'check the status of my complaint',
        'where is my complaint',
        'has my complaint been resolved',
        'I want to follow up on my complaint',
        'any news on my complaint',
        'what is happening with my complaint',
        'check my complaint',
        'status of my complaint',
        'what is the status of complaint {ticketNumber}',
        'check the status of complaint {ticketNumber}',
        'status of {ticketNumber}',
        'my complaint number is {ticketNumber}',
        'I am calling about complaint {ticketNumber}',
        'I am calling about complaint number {ticketNumber}',
        'any update on complaint {ticketNumber}',
        'where is complaint {ticketNumber}',
        'track complaint {ticketNumber}',
      ],
      slots: [
        {
          name: 'ticketNumber',
          description: 'The complaint number the caller was given',
          slotType: 'TicketNumber',
          required: true,
          prompt: 'Please say or key in your complaint number.',
          maxRetries: 2,
        },
      ],
    },
    {
      name: HOTLINE_INTENTS.reportEmergency,
      description: 'The caller reports a danger to life or property',
      sampleUtterances: [
        'this is an emergency',
        'it is an emergency',
        'emergency',
        'I want to report an emergency',
        'I need to report an emergency',
        'there is a {hazard}',
        'there is {hazard}',
        'there is a {hazard} in my street',
        'there is {hazard} in my house',
        'I can smell {hazard}',
        'I smell {hazard}',
        'we have a {hazard}',
        'we have {hazard}',
        'I want to report a {hazard}',
        'report a {hazard}',
        '{hazard} emergency',
        'emergency there is a {hazard}',
        'help there is a {hazard}',
        'a tree fell on the {hazard}',
        'the {hazard} is down',
      ],
      slots: [
        {
          name: 'hazard',
          description: 'What the danger is',
          slotType: 'Hazard',
          required: true,
          prompt:
            'What is the emergency? For example a smell of gas, a power line down, flooding, sparks or fire, or no power.',
          maxRetries: 1,
        },
      ],
    },
    {
      name: HOTLINE_INTENTS.requestCallback,
      description: 'The caller wants to be called back instead of waiting',
      sampleUtterances: [
        'call me back',
        'can you call me back',
        'please call me back later',
        'I want a callback',
        'I would like a call back',
        'request a callback',
        'I do not want to wait',
        'call me back on {callbackNumber}',
        'call me on {callbackNumber}',
        'please call me back at {callbackNumber}',
        'my number is {callbackNumber}',
        'you can reach me on {callbackNumber}',
      ],
      slots: [
        {
          name: 'callbackNumber',
          description: 'A number to call back; the number the caller rings from when none is said',
          slotType: 'AMAZON.PhoneNumber',
          required: false,
          prompt: 'Which number should we call you back on?',
          maxRetries: 1,
        },
      ],
    },
    {
      name: HOTLINE_INTENTS.speakToAgent,
      description: 'The caller asks for a person',
      sampleUtterances: [
        'agent',
        'operator',
        'representative',
        'speak to an agent',
        'talk to an agent',
        'talk to a person',
        'speak to a real person',
        'I want to speak to someone',
        'let me talk to someone',
        'I want to talk to a human',
        'can I talk to somebody',
        'connect me to an agent',
        'put me through to an advisor',
        'I need a human',
        'speak to a supervisor',
        'speak to a manager',
        'customer service please',
      ],
      slots: [],
    },
    fallbackIntent('What the caller said matches no other intent'),
  ],
};

const spanishUs: LocaleDefinition = {
  localeId: 'es_US',
  description: 'Callers of the complaint hotline, in Spanish',
  voiceId: 'Lupe',
  nluConfidenceThreshold: 0.4,
  slotTypes: [
    categorySlotType(
      'De qué trata una queja',
      {
        supply_interruption: [
          'corte de suministro',
          'interrupción del suministro',
          'corte de agua',
          'corte de luz',
          'sin agua',
          'suministro',
        ],
        water_quality: ['calidad del agua', 'agua sucia', 'agua turbia', 'agua de color', 'el agua'],
        billing: ['factura', 'mi factura', 'cobro', 'cobros', 'cargos', 'pago', 'reembolso', 'tarifa'],
        metering: ['medidor', 'mi medidor', 'contador', 'lectura del medidor', 'lectura'],
        staff_conduct: ['personal', 'trato del personal', 'empleado', 'técnico', 'mal trato'],
        damage: ['daños', 'daño', 'daños a mi propiedad', 'mi propiedad'],
        other: ['otro', 'otra cosa', 'otro asunto'],
      },
      false,
    ),
    hazardSlotType('Un peligro para la vida o la propiedad', {
      gas_leak: ['gas', 'fuga de gas', 'olor a gas'],
      power_outage: ['sin luz', 'apagón', 'se fue la luz', 'no hay luz'],
      flooding: ['inundación', 'inundado', 'tubería rota', 'fuga de agua'],
      downed_line: ['cable caído', 'línea caída', 'cables caídos', 'poste caído'],
      fire_or_sparks: ['fuego', 'incendio', 'chispas', 'humo', 'explosión'],
      sewage_overflow: ['aguas negras', 'aguas residuales', 'drenaje tapado'],
    }),
    ticketNumberSlotType('Un número de queja, dicho o marcado'),
  ],
  intents: [
    {
      name: HOTLINE_INTENTS.fileComplaint,
      description: 'La persona quiere registrar una queja',
      sampleUtterances: [
        'quiero poner una queja',
        'quiero hacer una queja',
        'tengo una queja',
        'quiero quejarme',
        'quiero presentar un reclamo',
        'quiero hacer una queja sobre {category}',
        'tengo una queja sobre {category}',
        'quiero quejarme de {category}',
        'queja sobre {category}',
        'hay un problema con {category}',
        'mi queja es sobre {category}',
        'reclamo por {category}',
      ],
      slots: [
        {
          name: 'category',
          description: 'De qué trata la queja',
          slotType: 'ComplaintCategory',
          required: true,
          prompt:
            '¿De qué trata su queja? Por ejemplo su factura, su medidor, la calidad del agua, un corte de suministro, daños a su propiedad o el trato del personal.',
          maxRetries: 2,
        },
      ],
    },
    {
      name: HOTLINE_INTENTS.checkStatus,
      description: 'La persona pregunta por una queja que hizo',
      sampleUtterances: [
        'cuál es el estado de mi queja',
        'quiero saber cómo va mi queja',
        'seguimiento de mi queja',
        'ya resolvieron mi queja',
        'estado de mi queja {ticketNumber}',
        'consultar la queja {ticketNumber}',
        'mi número de queja es {ticketNumber}',
        'llamo por la queja {ticketNumber}',
      ],
      slots: [
        {
          name: 'ticketNumber',
          description: 'El número de queja',
          slotType: 'TicketNumber',
          required: true,
          prompt: 'Por favor diga o marque su número de queja.',
          maxRetries: 2,
        },
      ],
    },
    {
      name: HOTLINE_INTENTS.reportEmergency,
      description: 'La persona reporta un peligro',
      sampleUtterances: [
        'es una emergencia',
        'emergencia',
        'quiero reportar una emergencia',
        'hay una {hazard}',
        'hay {hazard}',
        'huele a {hazard}',
        'tenemos {hazard}',
        'quiero reportar {hazard}',
        'emergencia de {hazard}',
      ],
      slots: [
        {
          name: 'hazard',
          description: 'Cuál es el peligro',
          slotType: 'Hazard',
          required: true,
          prompt:
            '¿Cuál es la emergencia? Por ejemplo olor a gas, un cable caído, una inundación, chispas o fuego, o no hay luz.',
          maxRetries: 1,
        },
      ],
    },
    {
      name: HOTLINE_INTENTS.requestCallback,
      description: 'La persona quiere que le devuelvan la llamada',
      sampleUtterances: [
        'quiero que me llamen',
        'llámenme por favor',
        'pueden devolverme la llamada',
        'quiero una devolución de llamada',
        'llámenme al {callbackNumber}',
        'mi número es {callbackNumber}',
      ],
      slots: [
        {
          name: 'callbackNumber',
          description: 'Un número para devolver la llamada',
          slotType: 'AMAZON.PhoneNumber',
          required: false,
          prompt: '¿A qué número le devolvemos la llamada?',
          maxRetries: 1,
        },
      ],
    },
    {
      name: HOTLINE_INTENTS.speakToAgent,
      description: 'La persona pide hablar con alguien',
      sampleUtterances: [
        'agente',
        'operador',
        'quiero hablar con un agente',
        'hablar con una persona',
        'un representante',
        'comuníqueme con un asesor',
        'quiero hablar con alguien',
      ],
      slots: [],
    },
    fallbackIntent('Lo que dijo la persona no corresponde a otra intención'),
  ],
};

export const hotlineBot: BotDefinition = {
  name: 'ComplaintHotline',
  description: 'What callers of the utility complaint hotline say instead of pressing keys',
  idleSessionTtlSeconds: 300,
  locales: [englishUs, spanishUs],
};
