// Text for a terminal or a comment line: hostile input (a flow file, a label, a file name) must
// not be able to recolour, retitle or rewrite the user's terminal through an error or warning
// flowpol prints, nor end a YAML comment line and write manifest content of its own.

/** C0 controls except tab and newline, DEL, and the C1 controls (U+0080–U+009F, e.g. CSI U+009B). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * `text` with every control character that a terminal would act on written as a visible escape:
 * ESC → `\x1b`, BEL → `\x07`, CR → `\x0d`, DEL → `\x7f`, CSI → `\u009b`. Newline and tab stay.
 * Apply it to any text that can carry user-controlled content before writing it to stderr.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => {
    const hex = c.charCodeAt(0).toString(16).padStart(2, '0');
    return c < '\u0080' ? `\\x${hex}` : `\\u00${hex}`;
  });
}

/** printable, with newlines escaped too (`\n`): for text that must stay on one line, such as a YAML comment. */
export function printableLine(text: string): string {
  return printable(text).replace(/\n/g, '\\n');
}
