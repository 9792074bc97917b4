"""Numerics shared by every area: tolerances, exact linear algebra, pivoting, LP, polynomials, BLAS limits.

Nothing here knows what a game is.
"""
