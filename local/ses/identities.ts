/**
 * Email identities as SES v2 shows them. Locally an identity is verified the moment it is created (no DNS
 * records, no confirmation mail): VerifiedForSendingStatus true, VerificationStatus SUCCESS, DKIM SUCCESS
 * for a domain.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { isDomainName, mailboxAddress } from './addresses.ts';
import { badRequest, fieldName } from './errors.ts';
import type { IdentityRecord, IdentityType } from './mail-store.ts';

const createEmailIdentityRequest = z.object({
  EmailIdentity: z.string({ error: 'is required (an email address or a domain)' }),
  Tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
});

/** CreateEmailIdentity's input: which identity, of which type, with which tags. */
export function checkCreateEmailIdentity(body: unknown): Omit<IdentityRecord, 'seq' | 'createdAt'> {
  const parsed = createEmailIdentityRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`${fieldName(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`);
  }
  const name = parsed.data.EmailIdentity.trim();
  return { name, type: identityType(name), tags: parsed.data.Tags ?? [] };
}

export function identityType(name: string): IdentityType {
  // An identity is a bare address: no display name.
  if (name.includes('@')) {
    if (mailboxAddress(name) === name) return 'EMAIL_ADDRESS';
  } else if (isDomainName(name)) {
    return 'DOMAIN';
  }
  throw badRequest(`EmailIdentity: '${name}' is neither an email address nor a domain`);
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

function dkimAttributes(identity: IdentityRecord) {
  const domain = identity.type === 'DOMAIN';
  return {
    SigningEnabled: domain,
    Status: domain ? 'SUCCESS' : 'NOT_STARTED',
    // Easy DKIM's three CNAME tokens; made from the name, so the same identity always shows the same ones.
    Tokens: domain
      ? [1, 2, 3].map((n) =>
          createHash('sha256').update(`${identity.name.toLowerCase()}#${n}`).digest('hex').slice(0, 32),
        )
      : [],
    SigningAttributesOrigin: 'AWS_SES',
    NextSigningKeyLength: 'RSA_2048_BIT',
    CurrentSigningKeyLength: 'RSA_2048_BIT',
    LastKeyGenerationTimestamp: epochSeconds(identity.createdAt),
  };
}

export function createEmailIdentityResponse(identity: IdentityRecord) {
  return {
    IdentityType: identity.type,
    VerifiedForSendingStatus: true,
    DkimAttributes: dkimAttributes(identity),
  };
}

export function getEmailIdentityResponse(identity: IdentityRecord) {
  return {
    IdentityType: identity.type,
    FeedbackForwardingStatus: true,
    VerifiedForSendingStatus: true,
    DkimAttributes: dkimAttributes(identity),
    Policies: {},
    Tags: identity.tags,
    VerificationStatus: 'SUCCESS',
    VerificationInfo: {
      LastCheckedTimestamp: epochSeconds(identity.createdAt),
      LastSuccessTimestamp: epochSeconds(identity.createdAt),
    },
  };
}

export function identityInfo(identity: IdentityRecord) {
  return {
    IdentityType: identity.type,
    IdentityName: identity.name,
    SendingEnabled: true,
    VerificationStatus: 'SUCCESS',
  };
}

/** ListEmailIdentities' Filter (the SDK's POST form): which identities a listing keeps. */
export interface IdentityFilter {
  readonly IDENTITY_NAME_CONTAINS?: string;
  readonly IDENTITY_TYPE?: string;
  readonly VERIFICATION_STATUS?: string;
}

export function matchesFilter(identity: IdentityRecord, filter: IdentityFilter): boolean {
  const contains = filter.IDENTITY_NAME_CONTAINS?.toLowerCase();
  return (
    (contains === undefined || identity.name.toLowerCase().includes(contains)) &&
    (filter.IDENTITY_TYPE === undefined || filter.IDENTITY_TYPE === identity.type) &&
    (filter.VERIFICATION_STATUS === undefined || filter.VERIFICATION_STATUS === 'SUCCESS')
  );
}
