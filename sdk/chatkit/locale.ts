/**
 * ChatKit takes only the locales it ships (`SupportedLocale`); an unknown one may refuse the
 * options. A page's BCP 47 tag is mapped to the nearest: a region ChatKit translates by itself
 * (`pt-BR`), else the bare language (`de-AT` → `de`), else none (ChatKit then follows the browser).
 * Both lists are checked against @openai/chatkit's types by the compiler.
 */
import type { SupportedLocale } from '@openai/chatkit';

const REGIONAL = ['es-419', 'fr-CA', 'pt-BR', 'pt-PT', 'zh-HK', 'zh-TW', 'zh-Hant'] as const satisfies readonly SupportedLocale[];
// One string rather than an array of strings: smaller in the bundle. The type below still checks
// every code against ChatKit's list.
const LANGUAGES =
  'am ar bg bn bs ca cs da de el en es et fi fr gu hi hr hu hy id is it ja ka kk kn ko lt lv mk ml mn mr ms my nb nl pa pl pt ro ru sk sl so sq sr sv sw ta te th tl tr uk ur vi zh';
type Words<S extends string, Found = never> = S extends `${infer W} ${infer Rest}` ? Words<Rest, Found | W> : Found | S;
type Checked<T extends SupportedLocale> = T;
export type ChatKitLanguage = Checked<Words<typeof LANGUAGES>>;

export function chatkitLocale(tag: string | undefined): SupportedLocale | undefined {
  const t = tag?.replace('_', '-').toLowerCase();
  if (!t) return undefined;
  const lang = t.split('-')[0]!;
  return REGIONAL.find((r) => r.toLowerCase() === t) ?? (LANGUAGES.split(' ').includes(lang) ? (lang as ChatKitLanguage) : undefined);
}
