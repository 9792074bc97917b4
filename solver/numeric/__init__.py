"""Numerics shared by every area: tolerances, rational helpers, exact linear algebra, pivoting, LP, polynomials.

Also the BLAS thread limit (blas.py).

Nothing here knows what a game is.
"""
