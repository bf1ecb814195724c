/**
 * A tiny, safe Markdown subset for assistant text: paragraphs, `-`/`1.` lists, fenced code,
 * `code`, **bold**, *italic* and [links](https://…). Everything is built from Lit templates and
 * text bindings, so model text can never become HTML; links must be http(s).
 */
import { html, type TemplateResult } from 'lit';

const LIST_ITEM = /^\s*(?:[-*+]|(\d+)[.)])\s+/;
const INLINE = /`([^`\n]+)`|\*\*(.+?)\*\*|\*([^*\s](?:[^*\n]*[^*\s])?)\*|\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g;

export function markdown(source: string): TemplateResult[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: TemplateResult[] = [];
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      const code: string[] = [];
      while (++i < lines.length && !lines[i]!.startsWith('```')) code.push(lines[i]!);
      i++;
      blocks.push(html`<pre><code>${code.join('\n')}</code></pre>`);
    } else if (!line.trim()) {
      i++;
    } else if (LIST_ITEM.test(line)) {
      const ordered = LIST_ITEM.exec(line)![1] !== undefined;
      const items: TemplateResult[] = [];
      for (let m; i < lines.length && (m = LIST_ITEM.exec(lines[i]!)) && (m[1] !== undefined) === ordered; i++)
        items.push(html`<li>${inline(lines[i]!.slice(m[0].length))}</li>`);
      blocks.push(ordered ? html`<ol>${items}</ol>` : html`<ul>${items}</ul>`);
    } else {
      const text: string[] = [];
      while (i < lines.length && lines[i]!.trim() && !lines[i]!.startsWith('```') && !LIST_ITEM.test(lines[i]!)) text.push(lines[i++]!);
      blocks.push(html`<p>${inline(text.join('\n'))}</p>`);
    }
  }
  return blocks;
}

function inline(text: string): unknown[] {
  const out: unknown[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    out.push(text.slice(last, m.index));
    last = m.index! + m[0].length;
    out.push(
      m[1] !== undefined
        ? html`<code>${m[1]}</code>`
        : m[2] !== undefined
          ? html`<strong>${inline(m[2])}</strong>`
          : m[3] !== undefined
            ? html`<em>${m[3]}</em>`
            : html`<a href=${m[5]!} target="_blank" rel="noopener noreferrer">${m[4]}</a>`,
    );
  }
  out.push(text.slice(last));
  return out;
}
