"""`yusuan eval`: placeholder until the evaluation module lands."""
import click

@click.command(name="eval")
def eval_() -> None:
    """Compare parses with ground truth."""
