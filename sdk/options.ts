/**
 * Everything an integrator sets on `<chart-chat>`, typed and documented once. The element's
 * `static properties` table must name exactly these keys (the compiler checks it), its fields
 * are this interface (declaration merging), and renderers read it through `RendererHost`.
 */
import type { ChatKitOptions, FileUploadStrategy } from '@openai/chatkit';
import type { ChartContextInput } from './contract/index.js';
import type { LiteStrings } from './lite/strings.js';

export type { LiteStrings };

/** OpenAI's CDN copy of ChatKit's script (the default `chatkit-src`). */
export const DEFAULT_CHATKIT_SRC = 'https://cdn.platform.openai.com/deployments/chatkit/chatkit.js';

/** Which UI the element runs: ChatKit, its own lite UI, or ChatKit with the lite UI as fallback. */
export type RendererMode = ChartChatOptions['renderer'];

/** A starter prompt: a string, or a label shown for a longer prompt that is sent. */
export type ChartChatPrompt = string | { label: string; prompt: string };

/**
 * ChatKit options passed through to `<openai-chatkit>` (history, header, threadItemActions,
 * composer attachments and tools, entities, widgets, disclaimer, a full theme object,
 * initialThread...). The element's own `api` (url, domain key, fetch) and client tools stay in
 * charge; `api.uploadStrategy` is passed on.
 */
export type ChatKitPassThrough = Partial<Omit<ChatKitOptions, 'api'>> & { api?: { uploadStrategy?: FileUploadStrategy } };

export interface ChartChatOptions {
  /** The chart's current state. Replace the object to update it (in-place mutation is not seen). */
  chartContext: ChartContextInput | undefined;
  /** Starter prompts for an empty thread: strings, or `{label, prompt}`. */
  prompts: ChartChatPrompt[];
  /** ChatKit custom-backend endpoint. */
  apiUrl: string;
  /** Session endpoint; when set, requests carry `Authorization: Bearer <token>`. */
  sessionUrl: string | undefined;
  /** ChatKit domain key (`domain_pk_…`, from OpenAI's domain allowlist). Required off localhost; without it `auto` uses the lite UI. */
  domainKey: string | undefined;
  /** Which UI to use: `auto` tries ChatKit and falls back to `lite`. */
  renderer: 'auto' | 'chatkit' | 'lite';
  /** URL of ChatKit's script. Changing it remounts. */
  chatkitSrc: string;
  /** How long ChatKit may take to load and become ready (ms); `auto` then falls back to the lite UI. */
  chatkitTimeout: number;
  /** Colour scheme. */
  theme: 'light' | 'dark';
  /** Composer placeholder. */
  placeholder: string | undefined;
  /** Greeting on an empty thread. */
  greeting: string | undefined;
  /** UI language (BCP 47, e.g. `de-AT`); default: the page's `lang`. ChatKit gets the nearest locale it supports. */
  locale: string | undefined;
  /** More ChatKit options, merged into the ones the element builds (ChatKit renderer only). */
  chatkitOptions: ChatKitPassThrough | undefined;
  /** Overrides of the lite UI's strings, by key (`send`, `stop`, `placeholder`...). */
  strings: Partial<LiteStrings> | undefined;
  /** `auto` (default) applies the AI's commands at once; `confirm` turns drawing and navigation into proposals the user applies or dismisses. */
  apply: 'auto' | 'confirm' | undefined;
  /** What the AI may do, space-separated: `read` (see the chart), `draw`, `navigate`. Default: all three. */
  allow: string | undefined;
}
