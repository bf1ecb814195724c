/** Light/dark for the page, the chart and the chat: follows the OS until the user picks one. */
import { ColorType, type DeepPartial, type ChartOptions } from 'lightweight-charts';

export type Theme = 'light' | 'dark';

export function initialTheme(): Theme {
  const saved = localStorage.getItem('chart-chat-demo:theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function saveTheme(theme: Theme): void {
  localStorage.setItem('chart-chat-demo:theme', theme);
}

export function chartTheme(theme: Theme): DeepPartial<ChartOptions> {
  const dark = theme === 'dark';
  const grid = dark ? '#1f2633' : '#eef1f5';
  return {
    layout: {
      background: { type: ColorType.Solid, color: dark ? '#11151c' : '#ffffff' },
      textColor: dark ? '#c7ccd6' : '#363c4e',
      panes: { separatorColor: dark ? '#2a3140' : '#e3e6eb' },
    },
    grid: { vertLines: { color: grid }, horzLines: { color: grid } },
    rightPriceScale: { borderColor: dark ? '#2a3140' : '#e3e6eb' },
    timeScale: { borderColor: dark ? '#2a3140' : '#e3e6eb' },
  };
}
