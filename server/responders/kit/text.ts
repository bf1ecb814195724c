/** Text helpers for responders: the user's words in, model-like chunks and a title out. */
import type { UserMessageItem } from '../../wire/types.js';

/** Splits text into small model-like chunks (a few words each, whitespace kept). */
export function chunkText(text: string, wordsPerChunk = 3): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerChunk) chunks.push(words.slice(i, i + wordsPerChunk).join(''));
  return chunks;
}

/** Splits text into word-sized deltas (each keeps its trailing space), as a model would stream. */
export function wordChunks(text: string): string[] {
  return chunkText(text, 1);
}

/** The plain text of a user message's `input_text` parts. */
export function userText(content: ReadonlyArray<{ type: string; text?: string }>): string {
  return content
    .filter((part) => part.type === 'input_text')
    .map((part) => part.text ?? '')
    .join('');
}

/** The plain text of a user message (input_text parts, and tags by their text). */
export function userMessageText(item: UserMessageItem): string {
  return item.content.map((part) => part.text).join(' ').trim();
}

/** A thread title from the first user message: its first line, at most 40 characters. */
export function titleFrom(text: string): string | undefined {
  const line = text.split('\n', 1)[0]!.trim().replace(/\s+/g, ' ');
  if (line === '') return undefined;
  return line.length <= 40 ? line : `${line.slice(0, 39).trimEnd()}…`;
}
