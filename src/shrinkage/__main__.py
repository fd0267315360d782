"""``python -m shrinkage`` runs the command line."""

from .cli.main import main

if __name__ == "__main__":          # importing the module (documentation tools do) runs nothing
    raise SystemExit(main())
