"""The command line: click commands that parse options, call the engine, print and exit."""
