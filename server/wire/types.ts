/**
 * ChatKit wire shapes (threads, items, stream events), as chatkit-python serializes them.
 * See docs/protocol.md §3. Fields that are null are omitted on the wire.
 */

export type ThreadStatus = { type: 'active' } | { type: 'locked'; reason?: string } | { type: 'closed'; reason?: string };

export interface Page<T> {
  data: T[];
  has_more: boolean;
  after?: string;
}

/** The stored thread. `owner` and `metadata` stay server-side; the wire form drops them. */
export interface ThreadMetadata {
  id: string;
  /** The user id the thread belongs to (from `resolveUser`). Never serialized. */
  owner: string;
  title?: string;
  created_at: string;
  status: ThreadStatus;
  allowed_image_domains?: string[];
  metadata: Record<string, unknown>;
}

/** The wire form of a thread. */
export interface Thread {
  id: string;
  title?: string;
  created_at: string;
  status: ThreadStatus;
  allowed_image_domains?: string[];
  metadata: Record<string, never>;
  items: Page<ThreadItem>;
}

export interface InputTextContent {
  type: 'input_text';
  text: string;
}
export interface InputTagContent {
  type: 'input_tag';
  id: string;
  text: string;
  data: Record<string, unknown>;
  group?: string;
  interactive?: boolean;
}
export type UserMessageContent = InputTextContent | InputTagContent;

export interface InferenceOptions {
  tool_choice?: { id: string };
  model?: string;
}

export interface Attachment {
  type: 'file' | 'image';
  id: string;
  name: string;
  mime_type: string;
  upload_descriptor?: { url: string; method: 'POST' | 'PUT'; headers: Record<string, string> };
  thread_id?: string;
  preview_url?: string;
}

export interface Annotation {
  type: 'annotation';
  source: Record<string, unknown> & { type: string; title: string };
  index?: number;
}

export interface AssistantMessageContent {
  type: 'output_text';
  text: string;
  annotations: Annotation[];
}

interface ItemBase {
  id: string;
  thread_id: string;
  created_at: string;
}

export interface UserMessageItem extends ItemBase {
  type: 'user_message';
  content: UserMessageContent[];
  attachments: Attachment[];
  quoted_text?: string;
  inference_options: InferenceOptions;
}
export interface AssistantMessageItem extends ItemBase {
  type: 'assistant_message';
  content: AssistantMessageContent[];
  /**
   * Stored only, never sent: the answer was cut before it finished (saved while streaming and
   * the process died, or cancelled). What it says is what the user saw.
   */
  incomplete?: true;
}
export interface ClientToolCallItem extends ItemBase {
  type: 'client_tool_call';
  status: 'pending' | 'completed';
  call_id: string;
  name: string;
  arguments: Record<string, unknown>;
  output?: unknown;
}
export interface WidgetItem extends ItemBase {
  type: 'widget';
  widget: Record<string, unknown>;
  copy_text?: string;
}
export interface GeneratedImageItem extends ItemBase {
  type: 'generated_image';
  image?: { id: string; url: string };
}
export interface StructuredInputAnswer {
  values: string[];
  skipped: boolean;
}
export type StructuredInputField =
  | { type: 'multiple_choice'; id: string; question: string; options: { value: string }[]; multiple?: boolean; answer?: StructuredInputAnswer }
  | { type: 'freeform'; id: string; question: string; description?: string; answer?: StructuredInputAnswer };
export interface StructuredInputItem extends ItemBase {
  type: 'structured_input';
  status: 'pending' | 'answered' | 'skipped';
  inputs: StructuredInputField[];
}
export interface Task {
  type: string;
  status_indicator?: 'none' | 'loading' | 'complete';
  [key: string]: unknown;
}
export interface WorkflowItem extends ItemBase {
  type: 'workflow';
  workflow: {
    type: 'custom' | 'reasoning';
    tasks: Task[];
    summary?: { title: string; icon?: string } | { duration: number };
    expanded: boolean;
  };
}
export interface TaskItem extends ItemBase {
  type: 'task';
  task: Task;
}
export interface EndOfTurnItem extends ItemBase {
  type: 'end_of_turn';
}
/** Stored for model context only; never sent to the client. */
export interface HiddenContextItem extends ItemBase {
  type: 'hidden_context_item';
  content: unknown;
}
/** Used internally (e.g. to record a cancellation); never sent. */
export interface SdkHiddenContextItem extends ItemBase {
  type: 'sdk_hidden_context';
  content: string;
}

export type ThreadItem =
  | UserMessageItem
  | AssistantMessageItem
  | ClientToolCallItem
  | WidgetItem
  | GeneratedImageItem
  | StructuredInputItem
  | WorkflowItem
  | TaskItem
  | EndOfTurnItem
  | HiddenContextItem
  | SdkHiddenContextItem;

export type ThreadItemType = ThreadItem['type'];

export type ThreadItemUpdate =
  | { type: 'assistant_message.content_part.added'; content_index: number; content: AssistantMessageContent }
  | { type: 'assistant_message.content_part.text_delta'; content_index: number; delta: string }
  | { type: 'assistant_message.content_part.annotation_added'; content_index: number; annotation_index: number; annotation: Annotation }
  | { type: 'assistant_message.content_part.done'; content_index: number; content: AssistantMessageContent }
  | { type: 'widget.streaming_text.value_delta'; component_id: string; delta: string; done: boolean }
  | { type: 'widget.root.updated'; widget: Record<string, unknown> }
  | { type: 'widget.component.updated'; component_id: string; component: Record<string, unknown> }
  | { type: 'workflow.task.added'; task_index: number; task: Task }
  | { type: 'workflow.task.updated'; task_index: number; task: Task }
  | { type: 'generated_image.updated'; image: { id: string; url: string }; progress?: number };

export type ThreadStreamEvent =
  | { type: 'thread.created'; thread: Thread }
  | { type: 'thread.updated'; thread: Thread }
  | { type: 'thread.item.added'; item: ThreadItem }
  | { type: 'thread.item.updated'; item_id: string; update: ThreadItemUpdate }
  | { type: 'thread.item.done'; item: ThreadItem }
  | { type: 'thread.item.replaced'; item: ThreadItem }
  | { type: 'thread.item.removed'; item_id: string }
  | { type: 'stream_options'; stream_options: { allow_cancel: boolean } }
  | { type: 'progress_update'; text: string; icon?: string }
  | { type: 'client_effect'; name: string; data: Record<string, unknown> }
  | { type: 'error'; code: string; message?: string; allow_retry: boolean }
  | { type: 'notice'; level: 'info' | 'warning' | 'danger'; message: string; title?: string };
