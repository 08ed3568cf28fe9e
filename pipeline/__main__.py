"""`python -m pipeline` runs the `yusuan` command."""

from pipeline.commands.cli import main

main()
