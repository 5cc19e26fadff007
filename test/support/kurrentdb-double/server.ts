/**
 * A KurrentDB protocol double for tests: a real gRPC server (@grpc/grpc-js)
 * speaking KurrentDB's client protocol, built from the service definitions
 * `@eventstore/db-client` ships (generated/*_grpc_pb.js), so the real client
 * talks to it exactly as to a server. It implements what the client and our
 * adapter use: Streams (Append, BatchAppend, Read of a stream and of $all in
 * both directions, filtered reads, catch-up subscriptions to $all with
 * checkpoints, Delete, Tombstone; stream metadata through "$$" streams) and
 * ServerFeatures. Semantics follow KurrentDB's server
 * (github.com/kurrent-io/KurrentDB); each rule cites its file, under
 * src/KurrentDB.Core/Services/Transport/Grpc/ unless said otherwise. The log
 * itself is log.ts. Binds 127.0.0.1 on a free port only; insecure (no TLS),
 * as `--insecure` servers, so credentials are not checked.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import {
  DELETED_STREAM,
  DoubleLog,
  EXPECTED_ANY,
  EXPECTED_NO_STREAM,
  EXPECTED_STREAM_EXISTS,
  InvalidPositionError,
  type DoubleRecord,
  type ProposedEvent,
  type WriteResult,
} from './log.js';

// The generated stubs are CommonJS; load them from the client's own folder so they share its google-protobuf.
const requireFromClient = createRequire(createRequire(import.meta.url).resolve('@eventstore/db-client'));
const streamsPb = requireFromClient('../generated/streams_pb.js') as typeof import('@eventstore/db-client/generated/streams_pb.js');
const streamsGrpc = requireFromClient('../generated/streams_grpc_pb.js') as typeof import('@eventstore/db-client/generated/streams_grpc_pb.js');
const sharedPb = requireFromClient('../generated/shared_pb.js') as typeof import('@eventstore/db-client/generated/shared_pb.js');
const statusPb = requireFromClient('../generated/status_pb.js') as typeof import('@eventstore/db-client/generated/status_pb.js');
const featuresPb = requireFromClient('../generated/serverfeatures_pb.js') as typeof import('@eventstore/db-client/generated/serverfeatures_pb.js');
const featuresGrpc = requireFromClient('../generated/serverfeatures_grpc_pb.js') as typeof import('@eventstore/db-client/generated/serverfeatures_grpc_pb.js');
const { Any } = requireFromClient('google-protobuf/google/protobuf/any_pb.js') as typeof import('google-protobuf/google/protobuf/any_pb.js');
const { Empty } = requireFromClient('google-protobuf/google/protobuf/empty_pb.js') as typeof import('google-protobuf/google/protobuf/empty_pb.js');

/** The generated protocol classes, for tests that speak to the double below the client (e.g. filtered reads, which the 6.x client does not offer). */
export const protocol = { streamsPb, streamsGrpc, sharedPb };

type ReadReq = InstanceType<typeof streamsPb.ReadReq>;
type ReadResp = InstanceType<typeof streamsPb.ReadResp>;
type Operation = 'read' | 'write' | 'delete';

/** The version ServerFeatures reports: the LTS line docker-compose.yml runs. */
export const DOUBLE_SERVER_VERSION = '24.10.0';

/** Enumerator.DefaultReadBatchSize (Transport/Enumerators/Enumerator.cs): the filtered search window when none is given. */
const DEFAULT_READ_BATCH_SIZE = 32;

export interface KurrentDbDoubleOptions {
  /** Access control: false refuses the operation with the server's AccessDenied (default: everything allowed). */
  authorize?: (operation: Operation, stream: string) => boolean;
  /** False: subscriptions never say "caught up", as servers before 23.10 (default true). */
  sendsCaughtUp?: boolean;
}

export interface KurrentDbDouble {
  /** esdb://127.0.0.1:<port>?tls=false */
  url: string;
  port: number;
  /** The log, for tests that look underneath the protocol. */
  log: DoubleLog;
  /** Calls served so far, by method name (e.g. "BatchAppend"), to show which path the client took. */
  calls: Map<string, number>;
  stop(): Promise<void>;
}

/** Starts a double on 127.0.0.1 at a free port. Each test file starts and stops its own. */
export async function startKurrentDbDouble(options: KurrentDbDoubleOptions = {}): Promise<KurrentDbDouble> {
  const log = new DoubleLog();
  const calls = new Map<string, number>();
  const count = (method: string) => calls.set(method, (calls.get(method) ?? 0) + 1);
  const allowed = options.authorize ?? (() => true);
  const server = new grpc.Server();
  const open = new Set<{ stop: () => void }>();

  server.addService(featuresGrpc.ServerFeaturesService, {
    getSupportedMethods: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      count('GetSupportedMethods');
      callback(null, supportedMethods());
    },
  });
  server.addService(streamsGrpc.StreamsService, {
    append: (call: grpc.ServerReadableStream<InstanceType<typeof streamsPb.AppendReq>, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      count('Append');
      handleAppend(log, allowed, call, callback);
    },
    batchAppend: (call: grpc.ServerDuplexStream<InstanceType<typeof streamsPb.BatchAppendReq>, unknown>) => {
      count('BatchAppend');
      handleBatchAppend(log, allowed, call);
    },
    read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => {
      count('Read');
      handleRead(log, allowed, call, open, options.sendsCaughtUp ?? true);
    },
    delete: (call: grpc.ServerUnaryCall<InstanceType<typeof streamsPb.DeleteReq>, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      count('Delete');
      handleDelete(log, allowed, false, call.request.getOptions()!, callback, streamsPb.DeleteResp, streamsPb.DeleteResp.Position);
    },
    tombstone: (call: grpc.ServerUnaryCall<InstanceType<typeof streamsPb.TombstoneReq>, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      count('Tombstone');
      handleDelete(log, allowed, true, call.request.getOptions()!, callback, streamsPb.TombstoneResp, streamsPb.TombstoneResp.Position);
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    log,
    calls,
    stop: async () => {
      for (const subscription of open) subscription.stop();
      // Calls a client left open (a BatchAppend stream of a client never disposed) would hold a graceful shutdown forever.
      await Promise.race([new Promise<void>((resolve) => server.tryShutdown(() => resolve())), sleep(500)]);
      server.forceShutdown();
    },
  };
}

/** ServerFeatures.cs: every client-facing method, lower-cased, with the features the server lists for it. */
function supportedMethods() {
  const methods = new featuresPb.SupportedMethods();
  const add = (service: string, method: string, features: string[] = []) => {
    const entry = new featuresPb.SupportedMethod();
    entry.setServiceName(service);
    entry.setMethodName(method);
    entry.setFeaturesList(features);
    methods.addMethods(entry);
  };
  add('event_store.client.streams.streams', 'read', ['position', 'events']);
  add('event_store.client.streams.streams', 'append');
  add('event_store.client.streams.streams', 'batchappend', ['deadline_duration']);
  add('event_store.client.streams.streams', 'delete');
  add('event_store.client.streams.streams', 'tombstone');
  add('event_store.client.server_features.serverfeatures', 'getsupportedmethods');
  methods.setEventStoreServerVersion(DOUBLE_SERVER_VERSION);
  return methods;
}

// ---------------------------------------------------------------- errors

/** An RpcException as RpcExceptions.cs builds it: a status code, a message and the "exception" trailers the client reads. */
function rpcError(code: grpc.status, details: string, trailers: Record<string, string> = {}): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

const accessDenied = () => rpcError(grpc.status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' });
const streamDeleted = (stream: string) =>
  rpcError(grpc.status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, { exception: 'stream-deleted', 'stream-name': stream });
const wrongExpectedVersion = (operation: string, stream: string, expected: bigint, actual: bigint) =>
  rpcError(grpc.status.FAILED_PRECONDITION, `${operation} failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: ${expected}, Actual version: ${actual}`, {
    exception: 'wrong-expected-version',
    'stream-name': stream,
    'expected-version': String(expected),
    'actual-version': String(actual),
  });
const invalidArgument = (message: string) => rpcError(grpc.status.INVALID_ARGUMENT, message);

/** A google.rpc.Status with a packed detail, as BatchAppend answers errors (Status.cs). */
function batchStatus(code: number, message: string, detail: { serializeBinary(): Uint8Array }, typeName: string) {
  const status = new statusPb.Status();
  status.setCode(code);
  status.setMessage(message);
  const any = new Any();
  any.pack(detail.serializeBinary(), typeName);
  status.setDetails(any);
  return status;
}

// ---------------------------------------------------------------- appends

function streamNameOf(identifier: InstanceType<typeof sharedPb.StreamIdentifier> | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
}

/** MetadataHelpers.ParseGrpcMetadata: "type" and "content-type" are required on every proposed event. */
function proposedEvent(message: InstanceType<typeof streamsPb.AppendReq.ProposedMessage> | InstanceType<typeof streamsPb.BatchAppendReq.ProposedMessage>): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (type === undefined || contentType === undefined) {
    throw rpcError(grpc.status.INVALID_ARGUMENT, `Required Metadata Property '${type === undefined ? 'type' : 'content-type'}' is missing`, {
      exception: 'missing-required-metadata-property',
      'required-metadata-properties': 'type,content-type',
    });
  }
  return {
    id: uuidOf(message.getId()),
    type,
    isJson: contentType === 'application/json',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

/** Uuid.cs FromDto: the string form, or the two 64-bit halves; the server's Guid prints lower case. */
function uuidOf(uuid: InstanceType<typeof sharedPb.UUID> | undefined): string {
  if (!uuid) throw invalidArgument("'id' is a required argument");
  if (uuid.hasString()) return uuid.getString().toLowerCase();
  const structured = uuid.getStructured()!;
  const bytes = Buffer.alloc(16);
  bytes.writeBigInt64BE(BigInt(structured.getMostSignificantBits()), 0);
  bytes.writeBigInt64BE(BigInt(structured.getLeastSignificantBits()), 8);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The expected revision a request names, as the server's ExpectedVersion (Streams.Append.cs, Streams.BatchAppend.cs, Streams.Delete.cs; AnyStreamRevision.cs). */
function expectedOf(revision: string | undefined, options: { hasNoStream(): boolean; hasStreamExists(): boolean }): bigint {
  if (revision !== undefined) return BigInt(revision);
  if (options.hasNoStream()) return EXPECTED_NO_STREAM;
  if (options.hasStreamExists()) return EXPECTED_STREAM_EXISTS;
  return EXPECTED_ANY;
}

/** Streams.Append.cs: options first, then the proposed messages; the reply is Success or WrongExpectedVersion, other failures are RpcExceptions. */
function handleAppend(
  log: DoubleLog,
  allowed: (operation: Operation, stream: string) => boolean,
  call: grpc.ServerReadableStream<InstanceType<typeof streamsPb.AppendReq>, unknown>,
  callback: grpc.sendUnaryData<unknown>,
): void {
  let options: InstanceType<typeof streamsPb.AppendReq.Options> | undefined;
  const events: ProposedEvent[] = [];
  let failed = false;
  const fail = (error: grpc.ServiceError) => {
    if (failed) return;
    failed = true;
    callback(error);
  };
  call.on('data', (request: InstanceType<typeof streamsPb.AppendReq>) => {
    if (failed) return;
    try {
      if (!options) {
        if (!request.hasOptions()) throw rpcError(grpc.status.UNKNOWN, 'Exception was thrown by handler.');
        options = request.getOptions()!;
      } else if (request.hasProposedMessage()) {
        events.push(proposedEvent(request.getProposedMessage()!));
      } else {
        throw rpcError(grpc.status.UNKNOWN, 'Exception was thrown by handler.');
      }
    } catch (error) {
      fail(error as grpc.ServiceError);
    }
  });
  call.on('end', () => {
    if (failed || !options) return fail(rpcError(grpc.status.UNKNOWN, 'Exception was thrown by handler.'));
    const stream = streamNameOf(options.getStreamIdentifier());
    if (!allowed('write', stream)) return fail(accessDenied());
    const expected = expectedOf(options.hasRevision() ? options.getRevision() : undefined, options);
    const result = log.write(stream, expected, events);
    const response = new streamsPb.AppendResp();
    if (result.kind === 'stream-deleted') return fail(streamDeleted(stream));
    if (result.kind === 'wrong-expected-version') {
      const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
      if (expected === EXPECTED_ANY) {
        wrong.setExpectedAny(new sharedPb.Empty());
        wrong.setAny2060(new sharedPb.Empty());
      } else if (expected === EXPECTED_STREAM_EXISTS) {
        wrong.setExpectedStreamExists(new sharedPb.Empty());
        wrong.setStreamExists2060(new sharedPb.Empty());
      } else if (expected === EXPECTED_NO_STREAM) {
        wrong.setExpectedNoStream(new sharedPb.Empty());
      } else {
        wrong.setExpectedRevision(String(expected));
      }
      if (result.current < 0n) {
        wrong.setCurrentNoStream(new sharedPb.Empty());
        wrong.setNoStream2060(new sharedPb.Empty());
      } else {
        wrong.setCurrentRevision(String(result.current));
      }
      response.setWrongExpectedVersion(wrong);
      return callback(null, response);
    }
    const success = new streamsPb.AppendResp.Success();
    if (result.lastEventNumber < 0n) success.setNoStream(new sharedPb.Empty());
    else success.setCurrentRevision(String(result.lastEventNumber));
    if (result.position < 0n) {
      success.setNoPosition(new sharedPb.Empty());
    } else {
      const position = new streamsPb.AppendResp.Position();
      position.setCommitPosition(String(result.position));
      position.setPreparePosition(String(result.position));
      success.setPosition(position);
    }
    response.setSuccess(success);
    callback(null, response);
  });
  call.on('error', () => {
    failed = true;
  });
}

/**
 * Streams.BatchAppend.cs: one duplex call carries many appends, each keyed by
 * its correlation id; options come with the first request, events may span
 * several, `is_final` submits. Each result is a BatchAppendResp: Success, or a
 * google.rpc.Status whose packed detail names the failure (Status.cs).
 */
function handleBatchAppend(
  log: DoubleLog,
  allowed: (operation: Operation, stream: string) => boolean,
  call: grpc.ServerDuplexStream<InstanceType<typeof streamsPb.BatchAppendReq>, unknown>,
): void {
  const pending = new Map<string, { stream: string; identifier: InstanceType<typeof sharedPb.StreamIdentifier>; expected: bigint; events: ProposedEvent[] }>();
  call.on('data', (request: InstanceType<typeof streamsPb.BatchAppendReq>) => {
    const correlation = request.getCorrelationId();
    const key = correlation ? uuidOf(correlation) : '';
    const respond = (fill: (response: InstanceType<typeof streamsPb.BatchAppendResp>) => void, identifier?: InstanceType<typeof sharedPb.StreamIdentifier>) => {
      const response = new streamsPb.BatchAppendResp();
      if (correlation) response.setCorrelationId(correlation);
      if (identifier) response.setStreamIdentifier(identifier);
      fill(response);
      call.write(response);
    };
    try {
      if (request.hasOptions()) {
        const options = request.getOptions()!;
        const identifier = options.getStreamIdentifier();
        if (!identifier) {
          const bad = new sharedPb.BadRequest();
          bad.setMessage('Required field StreamIdentifier not set.');
          return respond((r) => r.setError(batchStatus(3, 'BadRequest', bad, 'event_store.client.BadRequest')));
        }
        const stream = streamNameOf(identifier);
        if (!allowed('write', stream)) {
          return respond((r) => r.setError(batchStatus(7, 'AccessDenied', new sharedPb.AccessDenied(), 'event_store.client.AccessDenied')), identifier);
        }
        const deadline = options.getDeadline();
        if (deadline && deadline.toDate().getTime() <= Date.now()) {
          return respond((r) => r.setError(batchStatus(4, 'Timeout', new sharedPb.Timeout(), 'event_store.client.Timeout')), identifier);
        }
        const expected = expectedOf(options.hasStreamPosition() ? options.getStreamPosition() : undefined, options);
        if (!pending.has(key)) pending.set(key, { stream, identifier, expected, events: [] });
      }
      const write = pending.get(key);
      if (!write) return;
      for (const message of request.getProposedMessagesList()) write.events.push(proposedEvent(message));
      if (!request.getIsFinal()) return;
      pending.delete(key);
      const result: WriteResult = log.write(write.stream, write.expected, write.events);
      respond((response) => {
        if (result.kind === 'success') {
          const success = new streamsPb.BatchAppendResp.Success();
          // BatchAppendResp.cs Success.Completed: a position only when the write has one.
          if (result.lastEventNumber >= 0n) success.setCurrentRevision(String(result.lastEventNumber));
          else success.setNoStream(new Empty());
          if (result.position >= 0n) {
            const position = new sharedPb.AllStreamPosition();
            position.setCommitPosition(String(result.position));
            position.setPreparePosition(String(result.position));
            success.setPosition(position);
          } else {
            success.setNoPosition(new Empty());
          }
          response.setSuccess(success);
        } else if (result.kind === 'wrong-expected-version') {
          // WrongExpectedVersion.cs Create: the current revision (or no stream) and what was expected.
          const detail = new sharedPb.WrongExpectedVersion();
          if (result.current < 0n) detail.setCurrentNoStream(new Empty());
          else detail.setCurrentStreamRevision(String(result.current));
          if (write.expected === EXPECTED_ANY) detail.setExpectedAny(new Empty());
          else if (write.expected === EXPECTED_NO_STREAM) detail.setExpectedNoStream(new Empty());
          else if (write.expected === EXPECTED_STREAM_EXISTS) detail.setExpectedStreamExists(new Empty());
          else detail.setExpectedStreamPosition(String(write.expected));
          response.setError(batchStatus(6, 'WrongExpectedVersion', detail, 'event_store.client.WrongExpectedVersion'));
        } else {
          const detail = new sharedPb.StreamDeleted();
          detail.setStreamIdentifier(write.identifier);
          response.setError(batchStatus(5, 'StreamDeleted', detail, 'event_store.client.StreamDeleted'));
        }
      }, write.identifier);
    } catch (error) {
      pending.delete(key);
      const bad = new sharedPb.BadRequest();
      bad.setMessage((error as Error).message);
      respond((r) => r.setError(batchStatus(3, 'BadRequest', bad, 'event_store.client.BadRequest')));
    }
  });
  call.on('end', () => call.end());
  call.on('error', () => {});
}

interface DeletePosition {
  setCommitPosition(value: string): unknown;
  setPreparePosition(value: string): unknown;
}

/** Streams.Delete.cs: Delete (soft) and Tombstone (hard) answer with the position of what they wrote, or the errors a write gets. */
function handleDelete<Position extends DeletePosition>(
  log: DoubleLog,
  allowed: (operation: Operation, stream: string) => boolean,
  hard: boolean,
  options: InstanceType<typeof streamsPb.DeleteReq.Options> | InstanceType<typeof streamsPb.TombstoneReq.Options>,
  callback: grpc.sendUnaryData<unknown>,
  Response: new () => { setPosition(position?: Position): unknown; setNoPosition(empty?: InstanceType<typeof sharedPb.Empty>): unknown },
  PositionClass: new () => Position,
): void {
  const stream = streamNameOf(options.getStreamIdentifier());
  if (!allowed('delete', stream)) return callback(accessDenied());
  const expected = expectedOf(options.hasRevision() ? options.getRevision() : undefined, options);
  const result = log.delete(stream, expected, hard);
  if (result.kind === 'stream-deleted') return callback(streamDeleted(stream));
  if (result.kind === 'wrong-expected-version') return callback(wrongExpectedVersion('Delete', stream, expected, result.current));
  const response = new Response();
  if (result.position >= 0n) {
    const position = new PositionClass();
    position.setCommitPosition(String(result.position));
    position.setPreparePosition(String(result.position));
    response.setPosition(position);
  } else {
    response.setNoPosition(new sharedPb.Empty());
  }
  callback(null, response);
}

// ---------------------------------------------------------------- reads

interface EventFilter {
  (record: DoubleRecord): boolean;
}

/**
 * Services/Storage/ReaderIndex/EventFilter.cs: on the stream name or the
 * event type, by prefixes or by a regular expression (the .NET and JavaScript
 * syntaxes agree on what our filters use).
 */
function filterOf(options: InstanceType<typeof streamsPb.ReadReq.Options>): { allowed: EventFilter; window: number; checkpointInterval: number } | null {
  if (!options.hasFilter()) return null;
  const filter = options.getFilter()!;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : null;
  const field = (record: DoubleRecord) => (onStream ? record.stream : record.type);
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_READ_BATCH_SIZE;
  const multiplier = filter.getCheckpointintervalmultiplier();
  if (multiplier === 0) throw invalidArgument("Specified argument was out of the range of valid values. (Parameter 'checkpointIntervalMultiplier')");
  return {
    allowed: (record) => (prefixes.length > 0 ? prefixes.some((prefix) => field(record).startsWith(prefix)) : regex ? regex.test(field(record)) : true),
    window,
    // AllSubscriptionFiltered.cs: checkpoint interval = multiplier x search window.
    checkpointInterval: multiplier * window,
  };
}

/** Streams.Read.cs ConvertToRecordedEvent / MetadataHelpers.cs: the record with its position, "type", "content-type" and "created" (ticks since the Unix epoch). */
function readEvent(record: DoubleRecord, structuredIds: boolean): ReadResp {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  const id = new sharedPb.UUID();
  if (structuredIds) {
    const hex = Buffer.from(record.id.replace(/-/g, ''), 'hex');
    const structured = new sharedPb.UUID.Structured();
    structured.setMostSignificantBits(String(hex.readBigInt64BE(0)));
    structured.setLeastSignificantBits(String(hex.readBigInt64BE(8)));
    id.setStructured(structured);
  } else {
    id.setString(record.id);
  }
  recorded.setId(id);
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(record.stream, 'utf8'));
  recorded.setStreamIdentifier(identifier);
  recorded.setStreamRevision(String(record.eventNumber));
  // Data/ResolvedEvent.cs CalculatePosition: a self-committed prepare is at (LogPosition, LogPosition).
  recorded.setCommitPosition(String(record.position));
  recorded.setPreparePosition(String(record.position));
  recorded.getMetadataMap().set('type', record.type);
  recorded.getMetadataMap().set('content-type', record.isJson ? 'application/json' : 'application/octet-stream');
  recorded.getMetadataMap().set('created', String(BigInt(record.created) * 10_000n));
  recorded.setData(record.data);
  recorded.setCustomMetadata(record.metadata);
  const event = new streamsPb.ReadResp.ReadEvent();
  event.setEvent(recorded);
  event.setCommitPosition(String(record.position));
  const response = new streamsPb.ReadResp();
  response.setEvent(event);
  return response;
}

function handleRead(
  log: DoubleLog,
  allowed: (operation: Operation, stream: string) => boolean,
  call: grpc.ServerWritableStream<ReadReq, ReadResp>,
  open: Set<{ stop: () => void }>,
  sendsCaughtUp: boolean,
): void {
  const fail = (error: grpc.ServiceError) => call.emit('error', error);
  try {
    const options = call.request.getOptions();
    if (!options) throw invalidArgument("'options' is a required argument");
    // Streams.Read.cs: uuid_option is required.
    if (!options.hasUuidOption()) throw invalidArgument("'uuidOption' is a required argument of type EventStore.Client.Streams.ReadReq+Types+Options+Types+UUIDOption");
    const structuredIds = options.getUuidOption()!.hasStructured();
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
    const subscription = options.hasSubscription();
    const filter = filterOf(options);

    if (options.hasStream()) {
      const streamOptions = options.getStream()!;
      const stream = streamNameOf(streamOptions.getStreamIdentifier());
      if (!allowed('read', stream)) throw accessDenied();
      if (subscription || filter) throw invalidArgument(`The combination of (Stream, ${subscription ? 'Subscription' : 'Count'}, ${backwards ? 'Backwards' : 'Forwards'}, ${filter ? 'Filter' : 'NoFilter'}) is invalid.`);
      const from = streamOptions.hasRevision() ? BigInt(streamOptions.getRevision()) : streamOptions.hasEnd() ? 'end' : 'start';
      const result = log.readStream(stream, from, backwards ? 'backwards' : 'forwards', BigInt(options.getCount()));
      // Enumerator.ReadStreamForwards.cs: NoStream is a StreamNotFound message, StreamDeleted an error.
      if (result.kind === 'deleted') throw streamDeleted(stream);
      if (result.kind === 'not-found') {
        const response = new streamsPb.ReadResp();
        const notFound = new streamsPb.ReadResp.StreamNotFound();
        notFound.setStreamIdentifier(streamOptions.getStreamIdentifier());
        response.setStreamNotFound(notFound);
        call.write(response);
        call.end();
        return;
      }
      void writeAll(call, result.events.map((record) => readEvent(record, structuredIds)));
      return;
    }

    if (!allowed('read', '$all')) throw accessDenied();
    const all = options.getAll()!;
    if (subscription) {
      if (backwards) throw invalidArgument('The combination of (All, Subscription, Backwards) is invalid.');
      subscribeToAll(log, call, all, filter, structuredIds, open, sendsCaughtUp);
      return;
    }
    const count = BigInt(options.getCount());
    const limit = count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count);
    const position = all.hasPosition() ? BigInt(all.getPosition()!.getCommitPosition()) : undefined;
    const events: DoubleRecord[] = [];
    const keep = (record: DoubleRecord) => record.kind === 'event' && (!filter || filter.allowed(record));
    try {
      if (!backwards) {
        const start = position === undefined ? (all.hasEnd() ? log.records.length : 0) : log.forwardIndex(position);
        for (let index = start; index < log.records.length && events.length < limit; index += 1) if (keep(log.records[index])) events.push(log.records[index]);
      } else {
        const stop = position === undefined ? (all.hasStart() ? 0 : log.records.length) : log.backwardIndex(position);
        for (let index = stop - 1; index >= 0 && events.length < limit; index -= 1) if (keep(log.records[index])) events.push(log.records[index]);
      }
    } catch (error) {
      // Enumerator.ReadAllForwards.cs: InvalidPosition falls through to UnknownError.
      if (error instanceof InvalidPositionError) throw rpcError(grpc.status.UNKNOWN, `Unexpected ReadAllResult: InvalidPosition >> ${error.message}`);
      throw error;
    }
    void writeAll(call, events.map((record) => readEvent(record, structuredIds)));
  } catch (error) {
    fail(error as grpc.ServiceError);
  }
}

/** Writes every response, waiting for the client to take them (HTTP/2 flow control), then ends the call. */
async function writeAll(call: grpc.ServerWritableStream<ReadReq, ReadResp>, responses: ReadResp[]): Promise<void> {
  for (const response of responses) {
    if (call.cancelled) return;
    if (!call.write(response)) await new Promise((resolve) => call.once('drain', resolve));
  }
  call.end();
}

/**
 * A catch-up subscription to $all (Enumerator.AllSubscription.cs and
 * AllSubscriptionFiltered.cs): confirmation first; then every event after the
 * start position (exclusive), read from the log; a checkpoint each
 * `checkpointInterval` considered events and when catch-up reaches the end;
 * "caught up"; then live events as they are written, in log order. A start
 * inside a record fails the call with InvalidArgument "Trying to read from an
 * invalid position." (RpcExceptions.InvalidPositionException).
 */
function subscribeToAll(
  log: DoubleLog,
  call: grpc.ServerWritableStream<ReadReq, ReadResp>,
  all: InstanceType<typeof streamsPb.ReadReq.Options.AllOptions>,
  filter: ReturnType<typeof filterOf>,
  structuredIds: boolean,
  open: Set<{ stop: () => void }>,
  sendsCaughtUp: boolean,
): void {
  let next: number;
  if (all.hasPosition()) {
    const position = BigInt(all.getPosition()!.getCommitPosition());
    const at = log.recordAt(position);
    if (at) next = log.records.indexOf(at) + 1;
    else if (position >= log.end) next = log.records.length;
    else return void call.emit('error', invalidArgument('Trying to read from an invalid position.'));
  } else {
    next = all.hasEnd() ? log.records.length : 0;
  }
  let stopped = false;
  let pumping = false;
  let caughtUp = false;
  let considered = 0;
  const subscription = {
    stop: () => {
      if (stopped) return;
      stopped = true;
      log.off('appended', pump);
      open.delete(subscription);
      if (!call.cancelled && !call.writableEnded) call.end();
    },
  };
  open.add(subscription);
  const send = async (response: ReadResp) => {
    if (!call.write(response)) await new Promise((resolve) => call.once('drain', resolve));
  };
  const checkpoint = (position: bigint) => {
    const response = new streamsPb.ReadResp();
    const value = new streamsPb.ReadResp.Checkpoint();
    value.setCommitPosition(String(position));
    value.setPreparePosition(String(position));
    response.setCheckpoint(value);
    return response;
  };
  async function pump(): Promise<void> {
    if (pumping || stopped) return;
    pumping = true;
    try {
      while (!stopped && next < log.records.length) {
        const record = log.records[next];
        next += 1;
        if (record.kind !== 'event') continue;
        considered += 1;
        if (!filter || filter.allowed(record)) await send(readEvent(record, structuredIds));
        if (filter && considered % filter.checkpointInterval === 0) await send(checkpoint(record.position));
      }
      if (!caughtUp && !stopped) {
        caughtUp = true;
        const last = log.records.at(-1)!;
        if (filter) await send(checkpoint(last.position));
        if (sendsCaughtUp) {
          const response = new streamsPb.ReadResp();
          response.setCaughtUp(new streamsPb.ReadResp.CaughtUp());
          await send(response);
        }
      }
    } finally {
      pumping = false;
    }
    // Something was written while the last write waited.
    if (!stopped && next < log.records.length) void pump();
  }
  call.on('cancelled', () => subscription.stop());
  call.on('error', () => subscription.stop());
  log.on('appended', pump);
  const confirmation = new streamsPb.ReadResp();
  const confirm = new streamsPb.ReadResp.SubscriptionConfirmation();
  confirm.setSubscriptionId(randomUUID());
  confirmation.setConfirmation(confirm);
  call.write(confirmation);
  void pump();
}

export { DELETED_STREAM };
