; Code that runs when the module is imported and could change a value tsmirror reads
; statically: a call (a mutating helper, a tagged template, a decorator), `new`, an
; assignment, `++`/`--`, `delete`, `await` and `yield`. source.py drops captures inside
; function bodies and instance field initializers (which run later, if ever) and allows
; Object.freeze(...), which changes no value.

(call_expression) @effect
(new_expression) @effect
(assignment_expression) @effect
(augmented_assignment_expression) @effect
(update_expression) @effect
(unary_expression operator: "delete") @effect
(await_expression) @effect
(yield_expression) @effect
