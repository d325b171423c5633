; Syntax the tree-sitter grammar accepts without an ERROR node but TypeScript rejects.
; Each capture is reported as a syntax error at its position, so nothing is generated
; from a file TypeScript itself would not compile. Capture names become the message.

; type T = 'a' | | 'b'   (a leading `|` is allowed only before the first member)
(union_type (_) (union_type . (_) .) @consecutive-operators)

; type T = A & & B
(intersection_type (_) (intersection_type . (_) .) @consecutive-operators)

; const X = { a: 1,, b: 2 }   (arrays may have holes; objects may not)
(object "," . "," @empty-object-member)

; const X = {, a: 1 }
(object "{" . "," @empty-object-member)

; export const A = [] as c, nst;   (const needs an initializer outside `declare`)
(lexical_declaration
  kind: "const"
  (variable_declarator !value) @uninitialized-const)
