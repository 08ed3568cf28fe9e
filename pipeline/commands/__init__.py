"""One module per `yusuan` command."""
