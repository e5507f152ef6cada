import type * as Templating from 'adaptivecards-templating';

type TemplatingModule = typeof Templating;
let templating: TemplatingModule | undefined;

/**
 * An Adaptive Card template, parsed on its first expansion. adaptivecards-templating (and the
 * expression engine under it) takes about 150 ms to load, which every `score` run and every cold
 * start paid before any card was built; now only a process that builds a card loads it.
 */
export function cardTemplate(json: object): { expand(data: { $root: unknown }): unknown } {
  let parsed: Templating.Template | undefined;
  return {
    expand(data) {
      // A plain require: loaded here on first use, and bundled (lazily) by esbuild for Azure.
      templating ??= require('adaptivecards-templating') as TemplatingModule;
      parsed ??= new templating.Template(json);
      return parsed.expand(data);
    },
  };
}
