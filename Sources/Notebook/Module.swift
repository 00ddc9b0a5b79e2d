// Notebook: Markdown documents whose fenced ```trellis blocks are commands — notebooks (`notebook run`) and the
// shell's lessons (`lessons/*.md`) read their structure here, once. For a notebook it also owns what a run writes
// back: each block's output and figures beneath it, values quoted into the prose with {{ name.path }}, and one
// self-contained HTML page. It runs no command itself: the Workbench passes in a `BlockExecutor` (the shell's one
// script runner), so this module needs no shell and its tests need no model.
//
// Files, one job each:
//   MarkdownBlocks.swift      a Markdown text as prose runs and fenced code blocks with their line numbers and
//                             info strings (CommonMark's fence rules); an unclosed fence is an error.
//   NotebookRun.swift         the checks before a run (block options, names, quotes), the run of the ```trellis
//                             blocks through a BlockExecutor, failures with their line, `name=` values.
//   FigureScan.swift          the figure files a block wrote: stamps of the folders its words name, before and after.
//   Quoting.swift             {{ name.key[0] | format }}: parsing, resolving against the bound values, formatting.
//   JSONReader.swift          a strict JSON reader into Base's JSONValue (integers keep their digits).
//   NotebookWriter.swift      the report: Markdown with outputs and copied figures, and the HTML page (Ink).
//   InkGuard.swift            Ink's HTML of the page, kept out of the text Ink never (or only slowly) finishes on.
//
// The parser's API, in full:
//   let doc = try MarkdownDocument(parsing: text)   // throws MarkdownError.unclosedFence(line:fence:)
//   doc.lines                                       // every line, without line ends (LF, CRLF, CR)
//   doc.blocks                                      // [.prose(ProseRun) | .code(CodeBlock)], covering every line once
//   doc.codeBlocks                                  // the code blocks alone
//   block.language, block.options, block.info       // "trellis", ["name": "x"], "trellis name=x"
//   block.body, block.startLine, block.endLine      // body lines; 1-based lines of the two fences
//   block.lineNumber(ofBodyLine: i)                 // the document line of body line i (0-based)
