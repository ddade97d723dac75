from doclint.cli.main import run

run()
