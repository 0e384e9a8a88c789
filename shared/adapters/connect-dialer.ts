import {
  type ConnectClient,
  DescribeContactCommand,
  StartOutboundVoiceContactCommand,
  StopContactCommand,
} from '@aws-sdk/client-connect';
import type {
  ContactStatus,
  OutboundCall,
  OutboundDialer,
  StartCallResult,
  StopCallResult,
} from '#shared/ports/dialer';

export interface ConnectDialerOptions {
  readonly client: ConnectClient;
  readonly instanceId?: string;
  readonly sourcePhoneNumber?: string;
  /** Flow name -> flow id; a name without an entry is used as the id (as the local emulator registers them). */
  readonly flowIds: Readonly<Record<string, string>>;
}

const THROTTLED = new Set(['ThrottlingException', 'LimitExceededException', 'TooManyRequestsException']);
const REJECTED = new Set([
  'InvalidParameterException',
  'DestinationNotAllowedException',
  'OutboundContactNotPermittedException',
]);

/** Outbound calls through Amazon Connect's StartOutboundVoiceContact. */
export class ConnectDialer implements OutboundDialer {
  constructor(private readonly options: ConnectDialerOptions) {}

  async startCall(call: OutboundCall): Promise<StartCallResult> {
    if (!this.options.instanceId) throw new Error('CONNECT_INSTANCE_ID is not set');
    if (!this.options.sourcePhoneNumber) throw new Error('HOTLINE_PHONE_NUMBER is not set');
    try {
      const out = await this.options.client.send(
        new StartOutboundVoiceContactCommand({
          InstanceId: this.options.instanceId,
          ContactFlowId: this.options.flowIds[call.flowName] ?? call.flowName,
          DestinationPhoneNumber: call.phone,
          SourcePhoneNumber: this.options.sourcePhoneNumber,
          ClientToken: call.clientToken,
          Attributes: { ...call.attributes },
        }),
      );
      if (!out.ContactId) throw new Error('StartOutboundVoiceContact returned no ContactId');
      return { kind: 'started', contactId: out.ContactId };
    } catch (error) {
      const name = (error as Error)?.name ?? '';
      if (THROTTLED.has(name)) return { kind: 'throttled', reason: name };
      if (REJECTED.has(name)) return { kind: 'rejected', reason: name };
      throw error;
    }
  }

  async stopCall(contactId: string): Promise<StopCallResult> {
    if (!this.options.instanceId) throw new Error('CONNECT_INSTANCE_ID is not set');
    try {
      await this.options.client.send(
        new StopContactCommand({ InstanceId: this.options.instanceId, ContactId: contactId }),
      );
      return 'stopped';
    } catch (error) {
      // Connect answers 410 ContactNotFoundException for a contact that is no longer active (or never was).
      if ((error as Error)?.name === 'ContactNotFoundException') return 'already_ended';
      throw error;
    }
  }

  async contactStatus(contactId: string): Promise<ContactStatus> {
    if (!this.options.instanceId) throw new Error('CONNECT_INSTANCE_ID is not set');
    try {
      const out = await this.options.client.send(
        new DescribeContactCommand({ InstanceId: this.options.instanceId, ContactId: contactId }),
      );
      const contact = out.Contact;
      if (!contact) return { kind: 'unknown' };
      if (!contact.DisconnectTimestamp) return { kind: 'live' };
      return {
        kind: 'ended',
        reason: contact.DisconnectReason ?? 'OTHER',
        connected: contact.ConnectedToSystemTimestamp !== undefined,
      };
    } catch (error) {
      if ((error as Error)?.name === 'ResourceNotFoundException') return { kind: 'unknown' };
      throw error;
    }
  }
}
