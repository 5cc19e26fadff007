/**
 * Uniqueness across streams, one service: a CURP names one servant, a folio
 * one certificate, a printed folio one paper. The first claim wins; the same
 * owner may claim again (a retry after a crash); a claim whose holder never
 * completed its command within ABANDONED_CLAIM_MS was left by a crash between
 * claim and command, not by a command in flight, and is taken over.
 */
import type { CertificationKey } from '../domain/certifications/commands.js';
import { certificationStreamId, folioStreamId, printedFolioStreamId, type FolioAssigned, type PrintedFolioAssigned } from '../domain/certifications/events.js';
import type { PersonalDataVault } from '../domain/servants/personal-data.js';
import { servantStreamId } from '../domain/servants/events.js';
import { ConflictError, NotFoundError, WrongExpectedVersionError } from '../domain/shared/errors.js';
import type { CommandContext } from '../domain/shared/event.js';
import type { Curp, Folio, PrintedFolio, ServantId, StandardCode } from '../domain/shared/validation.js';
import { envelope } from './envelope.js';
import type { StreamStore } from './stream-store.js';

export const ABANDONED_CLAIM_MS = 60_000;

/** A claim kept in the log: the first append to its guard stream wins ('no_stream'). */
interface GuardClaim<E extends FolioAssigned | PrintedFolioAssigned> {
  event: E;
  streamId: string;
  /** Who holds the claim recorded by `event`. */
  ownerOf: (event: { data: Record<string, unknown> }) => string;
  /** True when the holder never completed its command. */
  isAbandoned: (holder: string) => Promise<boolean>;
  conflictMessage: string;
}

export class UniquenessClaims {
  constructor(
    private readonly store: StreamStore,
    private readonly vault: PersonalDataVault,
  ) {}

  /**
   * Kept by the vault next to the data keys, not in the log: erasure deletes it
   * with the servant's key, so the CURP is free again and nothing an auditor
   * reads links it to the erased servant.
   */
  async curp(curp: Curp, servantId: ServantId, context: CommandContext): Promise<void> {
    const holder = await this.vault.claimCurp(curp, servantId, context.now);
    if (holder.servantId === servantId) return;
    const stale = context.now.getTime() - holder.claimedAt.getTime() > ABANDONED_CLAIM_MS;
    const abandoned = stale && (await this.store.read(servantStreamId(holder.servantId))).length === 0;
    // A concurrent taker makes the take-over fail: one of them registers.
    if (abandoned && (await this.vault.takeOverCurp(curp, holder.servantId, servantId, context.now))) return;
    // Never who holds it, nor where.
    throw new ConflictError('A servant with this CURP is already registered');
  }

  /** The event that claims a folio for a certification (appended with its issuance where the store can). */
  folioAssignment(folio: Folio, key: CertificationKey): { streamId: string; event: FolioAssigned } {
    const certification = certificationStreamId(key.servantId, key.standardCode);
    return {
      streamId: folioStreamId(folio),
      event: { type: 'FolioAssigned', data: { folio, certificationStreamId: certification, servantId: key.servantId, standardCode: key.standardCode } },
    };
  }

  folio(folio: Folio, key: CertificationKey, context: CommandContext): Promise<void> {
    const { streamId, event } = this.folioAssignment(folio, key);
    return this.guard(
      {
        streamId,
        event,
        ownerOf: (claim) => String(claim.data.certificationStreamId),
        isAbandoned: async (holder) => !(await this.holdsCertificate(holder, folio)),
        conflictMessage: `Folio ${folio} is already assigned`,
      },
      context,
    );
  }

  /** A printed folio names one paper, and may not be a CONOCER folio already issued. */
  async printedFolio(printedFolio: PrintedFolio, folio: Folio, context: CommandContext): Promise<void> {
    if ((await this.store.read(folioStreamId(printedFolio))).length > 0) {
      throw new ConflictError(`${printedFolio} is a certificate's folio; a printed folio must differ from every folio`);
    }
    await this.guard(
      {
        streamId: printedFolioStreamId(printedFolio),
        event: { type: 'PrintedFolioAssigned', data: { printedFolio, folio } },
        ownerOf: (claim) => String(claim.data.folio),
        isAbandoned: async (holder) => !(await this.reprintedWith(holder as Folio, printedFolio)),
        conflictMessage: `Printed folio ${printedFolio} is already in use`,
      },
      context,
    );
  }

  /** The certification a folio was assigned to; NOT_FOUND when no certificate carries it. */
  async certificationOf(folio: Folio): Promise<CertificationKey> {
    const assigned = (await this.store.read(folioStreamId(folio))).at(-1);
    if (!assigned || !(await this.holdsCertificate(String(assigned.data.certificationStreamId), folio))) {
      throw new NotFoundError(`Certificate ${folio} does not exist`);
    }
    // Recorded from values parsed at the edge.
    const { servantId, standardCode } = assigned.data as FolioAssigned['data'];
    return { servantId: servantId as ServantId, standardCode: standardCode as StandardCode };
  }

  private async guard<E extends FolioAssigned | PrintedFolioAssigned>(claim: GuardClaim<E>, context: CommandContext): Promise<void> {
    const events = envelope(claim.streamId, [claim.event], context);
    try {
      await this.store.append([{ streamId: claim.streamId, events, expectedVersion: 'no_stream' }]);
      return;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
    const existing = await this.store.read(claim.streamId);
    const last = existing.at(-1);
    const holder = last ? claim.ownerOf(last) : null;
    if (holder === claim.ownerOf(claim.event)) return;
    const stale = last !== undefined && context.now.getTime() - Date.parse(last.recordedAt) > ABANDONED_CLAIM_MS;
    if (holder === null || !stale || !(await claim.isAbandoned(holder))) throw new ConflictError(claim.conflictMessage);
    // Take over an abandoned claim; a concurrent taker makes this append fail with CONFLICT.
    await this.store.append([{ streamId: claim.streamId, events, expectedVersion: existing.length }]);
  }

  private async holdsCertificate(certificationStream: string, folio: Folio): Promise<boolean> {
    const events = await this.store.read(certificationStream);
    return events.some((e) => e.type === 'CertificateIssued' && e.data.folio === folio);
  }

  private async reprintedWith(folio: Folio, printedFolio: PrintedFolio): Promise<boolean> {
    const key = await this.certificationOf(folio);
    const events = await this.store.read(certificationStreamId(key.servantId, key.standardCode));
    return events.some((e) => e.type === 'CertificateReissued' && e.data.printedFolio === printedFolio);
  }
}
