/**
 * What the host application tells the protocol core about one request, and the integration
 * points it may plug in (attachments, dictation, widget actions, feedback).
 */
import type { ChartClient, ChartContext, CommandOutcome } from '../../sdk/contract/index.js';
import type { ResponderContext } from './responder.js';
import type { Attachment, ThreadItem, ThreadMetadata, ThreadStreamEvent, WidgetItem } from '../wire/types.js';

export interface RequestContext {
  /** The user the request acts for; every thread is scoped to it. */
  readonly user: string;
  /** The validated chart context (`metadata.chart_context`), if the client sent one. */
  readonly chartContext?: ChartContext;
  /**
   * `metadata.chart_context.bars` was this hash: the context's bars are the ones stored for this
   * thread under it (`chartContext.bars` is empty until the protocol core fills them in, before any responder runs).
   */
  readonly barsHash?: string;
  /** What the page accepts (`metadata.chart_client`); set only by pages that answer the commands client tool. */
  readonly chartClient?: ChartClient;
  /** Outcomes of earlier commands the model has not heard yet (`metadata.chart_outcomes`). */
  readonly commandOutcomes?: readonly CommandOutcome[];
  /** The client's `Accept-Language` locale. */
  readonly locale?: string;
  /** Aborted when the client disconnects. */
  readonly signal?: AbortSignal;
}

/** Two-phase uploads (chatkit-python's `AttachmentStore`). Attachment records are kept by the `Store`. */
export interface AttachmentStore {
  /** Creates the attachment (usually with an `upload_descriptor` the client uploads to). */
  create(params: { name: string; size: number; mime_type: string }, ctx: RequestContext): Promise<Attachment>;
  /** Deletes the uploaded file. */
  delete(attachmentId: string, ctx: RequestContext): Promise<void>;
}

export interface TranscribeInput {
  data: Uint8Array;
  /** As the client sent it, e.g. `audio/webm;codecs=opus`. */
  mime_type: string;
  /** The base type, lower-cased: `audio/webm`. */
  media_type: string;
}
export type Transcriber = (audio: TranscribeInput, ctx: RequestContext) => Promise<{ text: string }>;

export interface WidgetAction {
  type: string;
  payload?: unknown;
}

/** Widget custom actions (`threads.custom_action`, `threads.sync_custom_action`). */
export interface ActionHandlers {
  /** Streams a reaction to an action; same pipeline and persistence rules as a responder. */
  action?(thread: ThreadMetadata, action: WidgetAction, sender: WidgetItem | null, ctx: ResponderContext): AsyncIterable<ThreadStreamEvent>;
  /** Answers a non-streaming action; a returned `updated_item` is saved and sent back. */
  syncAction?(
    thread: ThreadMetadata,
    action: WidgetAction,
    sender: WidgetItem | null,
    ctx: ResponderContext,
  ): Promise<{ updated_item?: ThreadItem }>;
}

export type FeedbackHandler = (
  threadId: string,
  itemIds: string[],
  kind: 'positive' | 'negative',
  ctx: RequestContext,
) => Promise<void>;
