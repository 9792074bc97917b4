"""Renderers: a result object in, a string out (text tables, JSON layout); they never compute."""
