// Text inside a GitHub-flavoured Markdown table. GFM splits a row at every unescaped `|`, even
// inside a code span, so every cell goes through `cell` (a code span too: `cell(code(x))`).

/** Text safe inside a table cell: pipes escaped, newlines flattened. */
export const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' ');

/** A code span (backticks inside become `'`); in a table cell wrap it in `cell`. */
export const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
