/**
 * HTML escaping for every string a report did not write itself (experiment, strategy, dataset and
 * domain names, notes, tags). The five characters that can end a text node or an attribute value
 * are replaced, so user text can never open a tag, close one, or leave a quoted attribute.
 */
const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}
