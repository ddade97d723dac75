"""The document model: the facts of one parsed markdown file (headings, anchors, links, lists,
TOC entries) and GitHub's anchor rules.
"""
