from align.cli import entry

entry()
