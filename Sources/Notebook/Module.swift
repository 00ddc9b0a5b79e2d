// Notebook: Markdown documents whose fenced ```trellis blocks are commands — notebooks (`notebook run`) and the
// shell's lessons (`lessons/*.md`) read their structure here, once.
//
// Files, one job each:
//   MarkdownBlocks.swift      a Markdown text as prose runs and fenced code blocks with their line numbers and
//                             info strings (CommonMark's fence rules); an unclosed fence is an error.
//
// The parser's API, in full:
//   let doc = try MarkdownDocument(parsing: text)   // throws MarkdownError.unclosedFence(line:fence:)
//   doc.lines                                       // every line, without line ends (LF, CRLF, CR)
//   doc.blocks                                      // [.prose(ProseRun) | .code(CodeBlock)], covering every line once
//   doc.codeBlocks                                  // the code blocks alone
//   block.language, block.options, block.info       // "trellis", ["name": "x"], "trellis name=x"
//   block.body, block.startLine, block.endLine      // body lines; 1-based lines of the two fences
//   block.lineNumber(ofBodyLine: i)                 // the document line of body line i (0-based)
