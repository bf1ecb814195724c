/**
 * lightweight-charts as one same-origin ES module (dist/demo/lightweight-charts.js), so
 * demo/embed.html can map the bare name `lightweight-charts` to it with an import map, exactly
 * as the README snippet maps it to a CDN copy.
 */
export * from 'lightweight-charts';
