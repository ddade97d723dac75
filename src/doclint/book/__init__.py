"""A question book's structure, read from documents: profiles, questions and their answers,
groups, coverage, tables of contents, and comparisons between revisions.
"""
