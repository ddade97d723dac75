"""Configuration: finding `.doclint.yml` or `[tool.doclint]`, reading it with positions,
validating it against the rules.
"""
