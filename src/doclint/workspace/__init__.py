"""What a rule may ask about the files around a document: other files and their anchors (the
project), and files as they were at a git revision.
"""
