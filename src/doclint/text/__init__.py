"""Reading files into text: size limits, encodings, byte-order marks, binary files."""
