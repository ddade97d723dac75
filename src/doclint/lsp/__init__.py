"""``doclint lsp``: the language server. Only ``doclint lsp`` imports this package, so that
the other commands never load pygls."""
