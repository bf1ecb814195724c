/** Registers `<chart-chat>`. Safe to load twice (two bundles, a bundle plus the npm build): the first definition wins. */
import { ChartChat } from './chart-chat.js';

if (!customElements.get('chart-chat')) customElements.define('chart-chat', ChartChat);
