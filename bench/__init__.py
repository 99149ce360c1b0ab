"""make bench: this site against a default Jupyter Book 1 + Altair baseline (see bench/README.md)."""
