/**
 * Valibot schemas for the request envelope `{type, params, metadata?}` and each op's params
 * (docs/protocol.md §2). Lenient where chatkit-python is lenient or where the client may
 * leave keys out (defaults below), strict on types, and capped everywhere so nothing
 * unbounded reaches a responder or the store.
 */
import * as v from 'valibot';

export const MAX_ID_LENGTH = 128;
export const MAX_TEXT_LENGTH = 100_000;
export const MAX_TITLE_LENGTH = 512;
export const MAX_CONTENT_PARTS = 50;
export const MAX_ATTACHMENTS = 20;
export const MAX_FEEDBACK_ITEMS = 100;
export const MAX_STRUCTURED_ANSWERS = 100;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Valibot's object/record schemas accept arrays; a JSON array is never a valid object here. */
const isPlainObject = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);
const PlainObject = v.custom<Record<string, unknown>>(isPlainObject, 'expected an object');
// Variant options stay v.object: variant already refuses arrays (no `type` key).
const obj = <const E extends v.ObjectEntries>(entries: E) => v.pipe(PlainObject, v.object(entries));
const rec = <K extends v.GenericSchema<string, string | number | symbol>, V extends v.GenericSchema>(key: K, value: V) =>
  v.pipe(PlainObject, v.record(key, value));

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID_LENGTH));
const ShortText = v.pipe(v.string(), v.maxLength(MAX_ID_LENGTH));
const Text = v.pipe(v.string(), v.maxLength(MAX_TEXT_LENGTH));
const JsonObject = rec(v.pipe(v.string(), v.maxLength(MAX_ID_LENGTH)), v.unknown());

/** `null`/absent → undefined, so optional fields serialize as absent (null is never sent). */
const nullish = <T extends v.GenericSchema>(schema: T) =>
  v.pipe(
    v.nullish(schema),
    v.transform((value) => value ?? undefined),
  );

const InputText = v.object({ type: v.literal('input_text'), text: Text });
const InputTag = v.object({
  type: v.literal('input_tag'),
  id: Id,
  text: Text,
  data: v.optional(JsonObject, {}),
  group: nullish(ShortText),
  interactive: v.optional(v.boolean(), false),
});

const InferenceOptions = obj({
  tool_choice: nullish(obj({ id: Id })),
  model: nullish(ShortText),
});

export const UserMessageInput = obj({
  content: v.pipe(v.array(v.variant('type', [InputText, InputTag])), v.maxLength(MAX_CONTENT_PARTS)),
  attachments: v.optional(v.pipe(v.array(Id), v.maxLength(MAX_ATTACHMENTS)), []),
  quoted_text: nullish(Text),
  inference_options: v.optional(v.nullable(InferenceOptions), {}),
});
export type UserMessageInput = v.InferOutput<typeof UserMessageInput>;

const PageParams = {
  limit: v.pipe(
    v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0))),
    // 0 or absent means the default page size; larger pages are capped, not refused.
    v.transform((limit) => Math.min(limit || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)),
  ),
  order: v.pipe(
    v.nullish(v.picklist(['asc', 'desc'])),
    v.transform((order) => order ?? 'desc'),
  ),
  after: nullish(Id),
};

const Action = obj({
  type: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID_LENGTH)),
  payload: v.optional(v.unknown()),
});

const ActionParams = obj({ thread_id: Id, item_id: nullish(Id), action: Action });

const StructuredAnswer = obj({
  values: v.optional(v.pipe(v.array(Text), v.maxLength(MAX_STRUCTURED_ANSWERS)), []),
  skipped: v.optional(v.boolean(), false),
});

/** Params schema per op. The op set is exactly chatkit-python's `ChatKitReq` union. */
export const OP_PARAMS = {
  'threads.create': obj({ input: UserMessageInput }),
  'threads.add_user_message': obj({ thread_id: Id, input: UserMessageInput }),
  'threads.add_client_tool_output': obj({ thread_id: Id, result: v.optional(v.unknown()) }),
  'threads.add_structured_input': obj({
    thread_id: Id,
    item_id: Id,
    input: obj({
      status: v.optional(v.picklist(['answered', 'skipped']), 'answered'),
      answers: v.optional(
        v.pipe(
          rec(ShortText, StructuredAnswer),
          v.check((answers) => Object.keys(answers).length <= MAX_STRUCTURED_ANSWERS, 'too many answers'),
        ),
        {},
      ),
    }),
  }),
  'threads.retry_after_item': obj({ thread_id: Id, item_id: Id }),
  'threads.custom_action': ActionParams,
  'threads.sync_custom_action': ActionParams,
  'threads.get_by_id': obj({ thread_id: Id }),
  'threads.list': obj(PageParams),
  'threads.update': obj({ thread_id: Id, title: v.pipe(v.string(), v.maxLength(MAX_TITLE_LENGTH)) }),
  'threads.delete': obj({ thread_id: Id }),
  'items.list': obj({ thread_id: Id, ...PageParams }),
  'items.feedback': obj({
    thread_id: Id,
    item_ids: v.pipe(v.array(Id), v.maxLength(MAX_FEEDBACK_ITEMS)),
    kind: v.picklist(['positive', 'negative']),
  }),
  'attachments.create': obj({
    name: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TITLE_LENGTH)),
    size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)),
    mime_type: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID_LENGTH)),
  }),
  'attachments.delete': obj({ attachment_id: Id }),
  'input.transcribe': obj({
    audio_base64: v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'audio_base64 must be base64')),
    mime_type: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID_LENGTH)),
  }),
} as const;

/** A list op's paging params with the defaults applied (absent keys skip valibot's transforms). */
export function pageQuery(params: { limit?: number; order?: 'asc' | 'desc'; after?: string }): {
  limit: number;
  order: 'asc' | 'desc';
  after?: string;
} {
  const { limit, order, after } = params;
  return { limit: limit ?? DEFAULT_PAGE_SIZE, order: order ?? 'desc', ...(after !== undefined ? { after } : {}) };
}

export type OpType = keyof typeof OP_PARAMS;
export type OpParams<T extends OpType> = v.InferOutput<(typeof OP_PARAMS)[T]>;
export type ChatKitRequest = { [T in OpType]: { type: T; params: OpParams<T>; metadata: Record<string, unknown> } }[OpType];

export const STREAMING_OPS: ReadonlySet<OpType> = new Set<OpType>([
  'threads.create',
  'threads.add_user_message',
  'threads.add_client_tool_output',
  'threads.add_structured_input',
  'threads.retry_after_item',
  'threads.custom_action',
]);

export const isOpType = (type: string): type is OpType => Object.hasOwn(OP_PARAMS, type);

const Envelope = obj({
  type: v.pipe(v.string(), v.maxLength(MAX_ID_LENGTH)),
  params: v.optional(v.unknown()),
  metadata: v.optional(v.nullable(JsonObject)),
});

/** Either the typed request or a message fit for a 400 (paths and expectations only, never values). */
export type ParsedRequest =
  | { ok: true; request: ChatKitRequest }
  | { ok: false; code: 'invalid_request' | 'unknown_type'; message: string };

export function parseRequest(body: unknown): ParsedRequest {
  const envelope = v.safeParse(Envelope, body);
  if (!envelope.success) return { ok: false, code: 'invalid_request', message: describeRequestIssues(envelope.issues) };
  const { type, params, metadata } = envelope.output;
  if (!isOpType(type)) return { ok: false, code: 'unknown_type', message: 'unknown request type' };
  const parsed = v.safeParse(OP_PARAMS[type], params ?? {});
  if (!parsed.success) return { ok: false, code: 'invalid_request', message: describeRequestIssues(parsed.issues, 'params') };
  return { ok: true, request: { type, params: parsed.output, metadata: metadata ?? {} } as ChatKitRequest };
}

/**
 * Issue descriptions built from the schema side only (path + expectation), so an error never
 * echoes what the client sent. Path keys that are not plain identifiers are masked.
 */
export function describeRequestIssues(issues: readonly v.BaseIssue<unknown>[], prefix?: string): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const keys = (issue.path ?? []).map((step) => {
        const key = String(step.key);
        return /^[A-Za-z0-9_]{1,40}$/.test(key) ? key : '*';
      });
      const path = [prefix, ...keys].filter(Boolean).join('.') || 'body';
      // Default valibot messages end in "but received <the client's value>": never repeat those.
      const own = !issue.message.includes(' but received ');
      const expected = issue.expected && issue.expected.length <= 120 ? `expected ${issue.expected}` : `invalid ${issue.kind}`;
      return `${path}: ${own ? issue.message.slice(0, 160) : expected}`;
    })
    .join('; ');
}
