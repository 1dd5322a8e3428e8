// Escaping for everything that comes from the data (labels, DNS names, reasons, policy YAML).

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
};

/** Text or attribute value for HTML/SVG markup. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/**
 * JSON to embed in `<script type="application/json">`: no `<`, `>` or `&` can end the element or
 * open a comment, and U+2028/U+2029 are escaped too. `JSON.parse` of the element text gives `value`.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
