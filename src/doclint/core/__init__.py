"""Foundation types every layer uses: records, errors, findings and edits, and the SQLite cache
file.
"""
