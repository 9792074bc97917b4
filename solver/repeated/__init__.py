"""Repeated games of automata under public monitoring: chain, values, checks, delta sets, metrics, simulation."""
