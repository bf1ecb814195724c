// The lite UI speaks the page's language: `locale`, else the nearest `lang`; `strings` overrides.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ChartChat } from '../chart-chat.js';
import { EN, stringsFor } from './strings.js';
import '../define.js';

const part = (el: ChartChat, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const words = (el: ChartChat) => ({
  send: part(el, 'send-button')?.textContent?.trim(),
  newThread: part(el, 'new-thread-button')?.textContent?.trim(),
  placeholder: part(el, 'input')?.getAttribute('placeholder'),
  message: part(el, 'input')?.getAttribute('aria-label'),
  log: part(el, 'log')?.getAttribute('aria-label'),
});

async function lite(template: ReturnType<typeof html>, select = 'chart-chat') {
  const root = await fixture<HTMLElement>(template);
  const el = (root.matches(select) ? root : root.querySelector(select)) as ChartChat;
  await waitUntil(() => el.activeRenderer === 'lite' && part(el, 'send-button'), 'lite UI did not mount');
  return el;
}

describe('lite UI language', () => {
  it('has every string in every language of the table', () => {
    for (const lang of ['en', 'de', 'fr', 'es', 'it', 'pt', 'ja', 'zh', 'ko']) {
      const table = stringsFor(lang);
      expect(Object.keys(table), lang).to.deep.equal(Object.keys(EN));
      for (const [key, text] of Object.entries(table)) expect(text, `${lang}.${key}`).to.be.a('string').and.not.empty;
      if (lang !== 'en') expect(table.send, lang).to.not.equal(EN.send);
    }
  });

  it('follows locale (a regional tag finds its language) and switches when it changes', async () => {
    const el = await lite(html`<chart-chat renderer="lite" locale="de-AT"></chart-chat>`);
    expect(words(el)).to.deep.equal({ send: 'Senden', newThread: 'Neuer Chat', placeholder: 'Frag etwas zum Chart…', message: 'Nachricht', log: 'Unterhaltung' });
    expect(part(el, 'lite')!.getAttribute('lang')).to.equal('de-AT');
    el.locale = 'ja';
    await el.updateComplete;
    expect(words(el).send).to.equal('送信');
    el.locale = 'pt-BR';
    await el.updateComplete;
    expect(words(el).send).to.equal('Enviar');
    el.locale = 'xx';
    await el.updateComplete;
    expect(words(el).send).to.equal('Send', 'English for a language not in the table');
  });

  it("without locale, speaks the page's language (the nearest lang attribute)", async () => {
    const el = await lite(html`<section lang="fr-CA"><chart-chat renderer="lite"></chart-chat></section>`);
    expect(words(el).send).to.equal('Envoyer');
    const ko = await lite(html`<div lang="ko"><p><chart-chat renderer="lite"></chart-chat></p></div>`);
    expect(words(ko).newThread).to.equal('새 대화');
  });

  it('strings overrides any entry; placeholder still wins over the table', async () => {
    const el = await lite(html`<chart-chat renderer="lite" locale="es" .strings=${{ send: 'Vamos', stop: 'Alto' }}></chart-chat>`);
    expect(words(el)).to.include({ send: 'Vamos', newThread: 'Nueva conversación' });
    el.placeholder = 'Pregunta lo que quieras';
    el.strings = { send: 'Ir' };
    await el.updateComplete;
    expect(words(el)).to.include({ send: 'Ir', placeholder: 'Pregunta lo que quieras' });
  });

  it('translates its own error messages', async () => {
    const el = await lite(html`<chart-chat renderer="lite" locale="it" api-url="http://127.0.0.1:9/unreachable"></chart-chat>`);
    await el.sendMessage('ciao').catch(() => undefined);
    await waitUntil(() => part(el, 'error'), 'no error shown');
    expect(part(el, 'error')!.textContent).to.contain('Impossibile raggiungere il server della chat.');
    expect(part(el, 'retry-button')!.textContent!.trim()).to.equal('Riprova');
  });
});
