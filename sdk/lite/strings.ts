/**
 * The lite UI's words, in one table: English plus German, French, Spanish, Italian, Portuguese,
 * Japanese, Chinese and Korean. The language is the element's `locale`, else the nearest `lang`
 * on the page; the `strings` property overrides any entry. Lives in the lite chunk.
 */
export const EN = {
  newThread: 'New thread',
  conversation: 'Conversation',
  suggestions: 'Suggested prompts',
  message: 'Message',
  placeholder: 'Ask about the chart…',
  send: 'Send',
  stop: 'Stop',
  retry: 'Retry',
  unreachable: 'Could not reach the chat server.',
  failed: 'Something went wrong. Please try again.',
  threadGone: 'That conversation is no longer available, so a new one was started.',
};
export type LiteStrings = typeof EN;

/** Translations, in the order of `EN`'s keys. */
const TRANSLATIONS: Record<string, string> = {
  de: 'Neuer Chat|Unterhaltung|Vorschläge|Nachricht|Frag etwas zum Chart…|Senden|Stopp|Erneut versuchen|Der Chat-Server ist nicht erreichbar.|Etwas ist schiefgelaufen. Bitte versuche es erneut.|Diese Unterhaltung gibt es nicht mehr, daher wurde eine neue begonnen.',
  fr: 'Nouvelle discussion|Conversation|Suggestions|Message|Posez une question sur le graphique…|Envoyer|Arrêter|Réessayer|Impossible de joindre le serveur de chat.|Une erreur est survenue. Veuillez réessayer.|Cette conversation n\'est plus disponible : une nouvelle a été commencée.',
  es: 'Nueva conversación|Conversación|Sugerencias|Mensaje|Pregunta sobre el gráfico…|Enviar|Detener|Reintentar|No se pudo conectar con el servidor de chat.|Algo salió mal. Inténtalo de nuevo.|Esa conversación ya no está disponible, así que se ha iniciado una nueva.',
  it: 'Nuova conversazione|Conversazione|Suggerimenti|Messaggio|Chiedi qualcosa sul grafico…|Invia|Interrompi|Riprova|Impossibile raggiungere il server della chat.|Qualcosa è andato storto. Riprova.|Quella conversazione non è più disponibile, quindi ne è stata avviata una nuova.',
  pt: 'Nova conversa|Conversa|Sugestões|Mensagem|Pergunte sobre o gráfico…|Enviar|Parar|Tentar novamente|Não foi possível contactar o servidor do chat.|Algo deu errado. Tente novamente.|Essa conversa já não está disponível, por isso foi iniciada uma nova.',
  ja: '新しいチャット|会話|おすすめの質問|メッセージ|チャートについて質問…|送信|停止|再試行|チャットサーバーに接続できません。|問題が発生しました。もう一度お試しください。|この会話は利用できなくなったため、新しい会話を開始しました。',
  zh: '新对话|对话|推荐问题|消息|询问有关图表的问题…|发送|停止|重试|无法连接聊天服务器。|出错了，请重试。|该对话已不可用，已为你开始新的对话。',
  ko: '새 대화|대화|추천 질문|메시지|차트에 대해 물어보세요…|보내기|중지|다시 시도|채팅 서버에 연결할 수 없습니다.|문제가 발생했습니다. 다시 시도해 주세요.|이 대화는 더 이상 사용할 수 없어 새 대화를 시작했습니다.',
};

/** The strings for a BCP 47 tag (`de-AT` → German), English for languages not in the table. */
export function stringsFor(locale: string | undefined, overrides?: Partial<LiteStrings>): LiteStrings {
  const words = TRANSLATIONS[(locale ?? '').toLowerCase().split(/[-_]/)[0]!]?.split('|');
  const keys = Object.keys(EN) as (keyof LiteStrings)[];
  const base = words ? (Object.fromEntries(keys.map((k, i) => [k, words[i]!])) as LiteStrings) : EN;
  return { ...base, ...overrides };
}

/** The language the lite UI speaks: `locale`, else the nearest `lang` attribute (crossing shadow roots), else the document's. */
export function languageOf(host: Element, locale: string | undefined): string | undefined {
  if (locale) return locale;
  for (let node: Node | null = host; node; node = (node as Element).parentElement ?? (node.getRootNode() as ShadowRoot).host ?? null) {
    const lang = (node as Element).getAttribute?.('lang');
    if (lang) return lang;
    if (node === document.documentElement) break;
  }
  return document.documentElement.lang || undefined;
}
