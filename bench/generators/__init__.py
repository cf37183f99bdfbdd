"""Generator steps, one module per business area (see bench/gen.py)."""
