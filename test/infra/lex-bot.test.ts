import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { HotlineBot } from '#infra/lex/bot-construct';
import {
  type BotDefinition,
  FALLBACK_INTENT,
  HAZARDS,
  HOTLINE_INTENTS,
  hotlineBot,
  TICKET_NUMBER_PATTERN,
} from '#infra/lex/hotline-bot';
import { PHONE_CATEGORY_CHOICES } from '#shared/domain/caller-keypad';

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';

interface RenderedSlotType {
  Name: string;
  ParentSlotTypeSignature?: string;
  SlotTypeValues?: { SampleValue: { Value: string }; Synonyms?: { Value: string }[] }[];
  ValueSelectionSetting: { ResolutionStrategy: string; RegexFilter?: { Pattern: string } };
}
interface RenderedIntent {
  Name: string;
  ParentIntentSignature?: string;
  SampleUtterances?: { Utterance: string }[];
  Slots?: {
    Name: string;
    SlotTypeName: string;
    ValueElicitationSetting: {
      SlotConstraint: string;
      PromptSpecification: { MessageGroupsList: { Message: { PlainTextMessage: { Value: string } } }[] };
    };
  }[];
  SlotPriorities?: { Priority: number; SlotName: string }[];
}
interface RenderedLocale {
  LocaleId: string;
  NluConfidenceThreshold: number;
  SlotTypes: RenderedSlotType[];
  Intents: RenderedIntent[];
}

function synthesize(definition: BotDefinition = hotlineBot) {
  const stack = new Stack(new App(), 'BotStack', { env: { account: '123456789012', region: 'us-east-1' } });
  const bot = new HotlineBot(stack, 'HotlineBot', { definition });
  const association = bot.associateWith(INSTANCE_ARN);
  return { stack, bot, association, template: Template.fromStack(stack) };
}

describe('the hotline Lex bot (CDK)', () => {
  let template: Template;
  let bot: HotlineBot;
  let stack: Stack;
  let locales: RenderedLocale[];
  let resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;

  beforeAll(() => {
    ({ template, bot, stack } = synthesize());
    resources = template.toJSON().Resources;
    const [botResource] = Object.values(resources).filter((r) => r.Type === 'AWS::Lex::Bot');
    locales = botResource?.Properties.BotLocales as RenderedLocale[];
  });

  const localeOf = (localeId: string) => {
    const locale = locales.find((l) => l.LocaleId === localeId);
    if (!locale) throw new Error(`no locale ${localeId}`);
    return locale;
  };

  it('builds every locale of the data on deploy, with a role Lex can assume', () => {
    template.resourceCountIs('AWS::Lex::Bot', 1);
    template.hasResourceProperties('AWS::Lex::Bot', {
      AutoBuildBotLocales: true,
      IdleSessionTTLInSeconds: hotlineBot.idleSessionTtlSeconds,
      DataPrivacy: { ChildDirected: false },
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HotlineBotRole'), 'Arn'] },
      Name: Match.stringLikeRegexp('^([0-9a-zA-Z][_-]?)+$'),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'lexv2.amazonaws.com' } })],
      },
    });
    expect(locales.map((l) => l.LocaleId)).toEqual(hotlineBot.locales.map((l) => l.localeId));
    expect(locales.map((l) => l.NluConfidenceThreshold)).toEqual(
      hotlineBot.locales.map((l) => l.nluConfidenceThreshold),
    );
  });

  it('renders each intent with the sample utterances of the data, and the fallback intent', () => {
    for (const locale of hotlineBot.locales) {
      const rendered = localeOf(locale.localeId);
      expect(rendered.Intents.map((i) => i.Name)).toEqual(locale.intents.map((i) => i.name));
      for (const intent of locale.intents) {
        const renderedIntent = rendered.Intents.find((i) => i.Name === intent.name);
        if (intent.parentIntentSignature) {
          expect(renderedIntent?.ParentIntentSignature).toBe('AMAZON.FallbackIntent');
          expect(renderedIntent?.SampleUtterances).toBeUndefined();
        } else {
          expect(renderedIntent?.SampleUtterances?.map((u) => u.Utterance)).toEqual(intent.sampleUtterances);
        }
      }
    }
    const english = localeOf('en_US').Intents.map((i) => i.Name);
    expect(english).toEqual(expect.arrayContaining(Object.values(HOTLINE_INTENTS)));
    expect(english).toContain(FALLBACK_INTENT);
  });

  it('gives the main intents at least ten ways of saying them in English', () => {
    for (const name of [
      'FileComplaint',
      'CheckStatus',
      'ReportEmergency',
      'RequestCallback',
      'SpeakToAgent',
    ]) {
      const intent = localeOf('en_US').Intents.find((i) => i.Name === name);
      expect(intent?.SampleUtterances?.length, name).toBeGreaterThanOrEqual(10);
    }
  });

  it('renders slots with their types, prompts and elicitation order', () => {
    const fileComplaint = localeOf('en_US').Intents.find((i) => i.Name === 'FileComplaint');
    expect(fileComplaint?.Slots).toEqual([
      expect.objectContaining({
        Name: 'category',
        SlotTypeName: 'ComplaintCategory',
        ValueElicitationSetting: expect.objectContaining({
          SlotConstraint: 'Required',
          PromptSpecification: expect.objectContaining({
            MessageGroupsList: [
              { Message: { PlainTextMessage: { Value: expect.stringContaining('bill') } } },
            ],
          }),
        }),
      }),
    ]);
    expect(fileComplaint?.SlotPriorities).toEqual([{ Priority: 1, SlotName: 'category' }]);
    const callback = localeOf('en_US').Intents.find((i) => i.Name === 'RequestCallback');
    expect(callback?.Slots?.[0]).toMatchObject({
      SlotTypeName: 'AMAZON.PhoneNumber',
      ValueElicitationSetting: { SlotConstraint: 'Optional' },
    });
  });

  it('uses only slot names an utterance may refer to', () => {
    for (const locale of locales) {
      for (const intent of locale.Intents) {
        const names = new Set((intent.Slots ?? []).map((s) => s.Name));
        for (const { Utterance } of intent.SampleUtterances ?? []) {
          for (const [, slot] of Utterance.matchAll(/\{([^}]+)\}/g)) expect(names, Utterance).toContain(slot);
        }
      }
    }
  });

  it("has the domain's complaint categories as slot values, synonyms resolving to them", () => {
    for (const locale of locales) {
      const categories = locale.SlotTypes.find((t) => t.Name === 'ComplaintCategory');
      expect(categories?.ValueSelectionSetting.ResolutionStrategy).toBe('TopResolution');
      expect(categories?.SlotTypeValues?.map((v) => v.SampleValue.Value)).toEqual(
        PHONE_CATEGORY_CHOICES.map((c) => c.value),
      );
      for (const value of categories?.SlotTypeValues ?? []) expect(value.Synonyms?.length).toBeGreaterThan(0);
    }
    const billing = localeOf('en_US')
      .SlotTypes.find((t) => t.Name === 'ComplaintCategory')
      ?.SlotTypeValues?.find((v) => v.SampleValue.Value === 'billing');
    expect(billing?.Synonyms).toEqual(expect.arrayContaining([{ Value: 'my bill' }, { Value: 'your bill' }]));
  });

  it('has the hazards as slot values and ticket numbers as a pattern on AlphaNumeric', () => {
    const english = localeOf('en_US');
    expect(
      english.SlotTypes.find((t) => t.Name === 'Hazard')?.SlotTypeValues?.map((v) => v.SampleValue.Value),
    ).toEqual([...HAZARDS]);
    expect(english.SlotTypes.find((t) => t.Name === 'TicketNumber')).toEqual({
      Name: 'TicketNumber',
      Description: expect.any(String),
      ParentSlotTypeSignature: 'AMAZON.AlphaNumeric',
      ValueSelectionSetting: {
        ResolutionStrategy: 'OriginalValue',
        RegexFilter: { Pattern: TICKET_NUMBER_PATTERN },
      },
    });
  });

  it('lists no synonym under two values of one slot type (Lex refuses the build)', () => {
    for (const locale of locales) {
      for (const slotType of locale.SlotTypes) {
        const words = (slotType.SlotTypeValues ?? []).flatMap((v) => [
          v.SampleValue.Value,
          ...(v.Synonyms ?? []).map((s) => s.Value),
        ]);
        const lower = words.map((w) => w.toLowerCase());
        expect(new Set(lower).size, `${locale.LocaleId} ${slotType.Name}`).toBe(lower.length);
      }
    }
  });

  it('versions the DRAFT of every locale and points the alias at that version', () => {
    const versions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lex::BotVersion');
    expect(versions).toHaveLength(1);
    const [versionId, version] = versions[0] ?? [];
    const botId = stack.getLogicalId(bot.bot);
    expect(version?.Properties).toMatchObject({
      BotId: { 'Fn::GetAtt': [botId, 'Id'] },
      BotVersionLocaleSpecification: hotlineBot.locales.map((l) => ({
        LocaleId: l.localeId,
        BotVersionLocaleDetails: { SourceBotVersion: 'DRAFT' },
      })),
    });
    template.hasResourceProperties('AWS::Lex::BotAlias', {
      BotAliasName: 'live',
      BotId: { 'Fn::GetAtt': [botId, 'Id'] },
      BotVersion: { 'Fn::GetAtt': [versionId, 'BotVersion'] },
      BotAliasLocaleSettings: hotlineBot.locales.map((l) => ({
        LocaleId: l.localeId,
        BotAliasLocaleSetting: { Enabled: true },
      })),
    });
  });

  it('gets a new version when the bot changes, so the alias never points at a stale build', () => {
    const versionIds = (definition: BotDefinition) =>
      Object.entries(synthesize(definition).template.toJSON().Resources as typeof resources)
        .filter(([, r]) => r.Type === 'AWS::Lex::BotVersion')
        .map(([id]) => id);
    const changed: BotDefinition = {
      ...hotlineBot,
      locales: hotlineBot.locales.map((locale) => ({ ...locale, nluConfidenceThreshold: 0.5 })),
    };
    expect(versionIds(hotlineBot)).toEqual(versionIds(hotlineBot));
    expect(versionIds(changed)).not.toEqual(versionIds(hotlineBot));
  });

  it('exposes the alias ARN and associates it with a Connect instance as a LEX_BOT integration', () => {
    const aliasArn = { 'Fn::GetAtt': [stack.getLogicalId(bot.alias), 'Arn'] };
    expect(stack.resolve(bot.aliasArn)).toEqual(aliasArn);
    template.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      InstanceId: INSTANCE_ARN,
      IntegrationType: 'LEX_BOT',
      IntegrationArn: aliasArn,
    });
  });

  it('passes cdk-nag AwsSolutions, the Polly wildcard acknowledged with a reason', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new HotlineBot(new Stack(app, 'Nagged'), 'Bot', { definition: hotlineBot }).associateWith(INSTANCE_ARN);
    expect(new AwsSolutionsChecks().validateScope(app)).toEqual({ success: true, violations: [] });
  });

  it('lets one bot serve several instances', () => {
    const stack2 = new Stack(new App(), 'TwoInstances');
    const twice = new HotlineBot(stack2, 'Bot', { definition: hotlineBot });
    twice.associateWith(INSTANCE_ARN);
    twice.associateWith(INSTANCE_ARN.replace('11111111', '99999999'));
    Template.fromStack(stack2).resourceCountIs('AWS::Connect::IntegrationAssociation', 2);
  });
});
