"""One module per rule: its documentation, options, and a pure ``check(doc, options, context)``."""
