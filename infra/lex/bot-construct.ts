/**
 * The hotline's Lex V2 bot on AWS, rendered from its data (infra/lex/hotline-bot.ts): the bot with every
 * locale built on deploy, a version of exactly that build, and a `live` alias on it. A contact flow's
 * ConnectParticipantWithLexBot block names the alias (`LexV2Bot.AliasArn`); the Connect instance may use the
 * bot once `associateWith(instanceArn)` has associated it.
 */
import { createHash } from 'node:crypto';
import { Names, Validations } from 'aws-cdk-lib';
import { CfnIntegrationAssociation } from 'aws-cdk-lib/aws-connect';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnBot, CfnBotAlias, CfnBotVersion } from 'aws-cdk-lib/aws-lex';
import { Construct } from 'constructs';
import type {
  BotDefinition,
  CustomSlotType,
  IntentDefinition,
  LocaleDefinition,
  SlotDefinition,
} from './hotline-bot';

export interface HotlineBotProps {
  readonly definition: BotDefinition;
  /** The alias the flows use. */
  readonly aliasName?: string;
}

const plainText = (value: string) => ({ message: { plainTextMessage: { value } } });

function renderSlotType(slotType: CustomSlotType): CfnBot.SlotTypeProperty {
  if (slotType.kind === 'pattern') {
    return {
      name: slotType.name,
      description: slotType.description,
      parentSlotTypeSignature: slotType.parent,
      valueSelectionSetting: {
        resolutionStrategy: 'OriginalValue',
        regexFilter: { pattern: slotType.pattern },
      },
    };
  }
  return {
    name: slotType.name,
    description: slotType.description,
    slotTypeValues: slotType.values.map((entry) => ({
      sampleValue: { value: entry.value },
      synonyms: entry.synonyms.map((value) => ({ value })),
    })),
    // The value, not the caller's words: a synonym resolves to the value the domain stores.
    valueSelectionSetting: { resolutionStrategy: 'TopResolution' },
  };
}

function renderSlot(slot: SlotDefinition): CfnBot.SlotProperty {
  return {
    name: slot.name,
    description: slot.description,
    slotTypeName: slot.slotType,
    valueElicitationSetting: {
      slotConstraint: slot.required ? 'Required' : 'Optional',
      promptSpecification: {
        maxRetries: slot.maxRetries,
        allowInterrupt: true,
        messageGroupsList: [plainText(slot.prompt)],
      },
    },
  };
}

function renderIntent(intent: IntentDefinition): CfnBot.IntentProperty {
  if (intent.parentIntentSignature) {
    return {
      name: intent.name,
      description: intent.description,
      parentIntentSignature: intent.parentIntentSignature,
    };
  }
  return {
    name: intent.name,
    description: intent.description,
    sampleUtterances: intent.sampleUtterances.map((utterance) => ({ utterance })),
    ...(intent.slots.length > 0
      ? {
          slots: intent.slots.map(renderSlot),
          slotPriorities: intent.slots.map((slot, index) => ({ priority: index + 1, slotName: slot.name })),
        }
      : {}),
    ...(intent.closingMessage
      ? {
          intentClosingSetting: {
            isActive: true,
            closingResponse: { messageGroupsList: [plainText(intent.closingMessage)] },
          },
        }
      : {}),
  };
}

function renderLocale(locale: LocaleDefinition): CfnBot.BotLocaleProperty {
  return {
    localeId: locale.localeId,
    description: locale.description,
    nluConfidenceThreshold: locale.nluConfidenceThreshold,
    voiceSettings: { voiceId: locale.voiceId, engine: 'neural' },
    slotTypes: locale.slotTypes.map(renderSlotType),
    intents: locale.intents.map(renderIntent),
  };
}

/** The bot's locales as CloudFormation renders them (what a version is a snapshot of). */
export function renderBotLocales(definition: BotDefinition): CfnBot.BotLocaleProperty[] {
  return definition.locales.map(renderLocale);
}

export class HotlineBot extends Construct {
  readonly bot: CfnBot;
  readonly version: CfnBotVersion;
  readonly alias: CfnBotAlias;
  readonly role: Role;
  readonly botId: string;
  readonly aliasId: string;
  /** What ConnectParticipantWithLexBot names as `LexV2Bot.AliasArn`. */
  readonly aliasArn: string;
  readonly localeIds: readonly string[];
  private associations = 0;

  constructor(scope: Construct, id: string, props: HotlineBotProps) {
    super(scope, id);
    const { definition } = props;
    const botLocales = renderBotLocales(definition);
    this.localeIds = definition.locales.map((locale) => locale.localeId);

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lexv2.amazonaws.com'),
      description: `Lets the ${definition.name} bot speak its answers with Amazon Polly`,
    });
    this.role.addToPolicy(new PolicyStatement({ actions: ['polly:SynthesizeSpeech'], resources: ['*'] }));
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'polly:SynthesizeSpeech is scoped only by lexicon, and the bot uses none.',
    });

    this.bot = new CfnBot(this, 'Bot', {
      name: Names.uniqueResourceName(this, { maxLength: 100, separator: '-' }),
      description: definition.description,
      roleArn: this.role.roleArn,
      dataPrivacy: { ChildDirected: false },
      idleSessionTtlInSeconds: definition.idleSessionTtlSeconds,
      autoBuildBotLocales: true,
      botLocales,
    });

    // A version is immutable: a changed bot gets a new one (new logical id), which the alias then points at.
    const fingerprint = createHash('sha256').update(JSON.stringify(botLocales)).digest('hex').slice(0, 12);
    this.version = new CfnBotVersion(this, `Version${fingerprint}`, {
      botId: this.bot.attrId,
      description: `${definition.name} ${fingerprint}`,
      botVersionLocaleSpecification: this.localeIds.map((localeId) => ({
        localeId,
        botVersionLocaleDetails: { sourceBotVersion: 'DRAFT' },
      })),
    });

    this.alias = new CfnBotAlias(this, 'Alias', {
      botId: this.bot.attrId,
      botAliasName: props.aliasName ?? 'live',
      description: `What the contact flows use: ${definition.name} version ${fingerprint}`,
      botVersion: this.version.attrBotVersion,
      botAliasLocaleSettings: this.localeIds.map((localeId) => ({
        localeId,
        botAliasLocaleSetting: { enabled: true },
      })),
    });

    this.botId = this.bot.attrId;
    this.aliasId = this.alias.attrBotAliasId;
    this.aliasArn = this.alias.attrArn;
  }

  /** Lets a Connect instance use the bot (a LEX_BOT integration of the alias). */
  associateWith(instanceArn: string): CfnIntegrationAssociation {
    this.associations += 1;
    return new CfnIntegrationAssociation(this, `Integration${this.associations}`, {
      instanceId: instanceArn,
      integrationType: 'LEX_BOT',
      integrationArn: this.aliasArn,
    });
  }
}
