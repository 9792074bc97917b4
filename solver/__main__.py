"""``python -m solver`` runs the ``detente`` command line."""

from solver.cli.app import main

if __name__ == "__main__":
    main(prog_name="detente")
