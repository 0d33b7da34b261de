import { Eta, type TemplateFunction } from "eta/core";
import { ERROR_TEMPLATE, INDEX_TEMPLATE, MAIL_TEMPLATE, REPORT_TEMPLATE } from "./templates.ts";

/** The templates this module can render. */
export type TemplateName = "report" | "error" | "index" | "mail";

const SOURCES: Record<TemplateName, string> = {
  report: REPORT_TEMPLATE,
  error: ERROR_TEMPLATE,
  index: INDEX_TEMPLATE,
  mail: MAIL_TEMPLATE,
};

let eta: Eta | undefined;
const compiled = new Map<TemplateName, TemplateFunction>();

/**
 * Renders one of the built-in templates with every interpolated value HTML-escaped.
 * Templates compile on first use, so commands that never write a page never pay for it.
 */
export function renderTemplate(name: TemplateName, data: object): string {
  eta ??= new Eta({ autoEscape: true, autoTrim: [false, "nl"], cache: false });
  let fn = compiled.get(name);
  if (!fn) {
    fn = eta.compile(SOURCES[name]);
    compiled.set(name, fn);
  }
  return eta.render(fn, data);
}
