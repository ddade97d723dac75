"""Running the rules: discovering files, checking them (in parallel), suppressions, the result
cache, fixes, `--base` comparisons, and the public API (`doclint.engine.api`).
"""
