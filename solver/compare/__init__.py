"""Deterrence against diplomacy: scenario tables (compare), thresholds in any parameter, best doctrine parameters."""
