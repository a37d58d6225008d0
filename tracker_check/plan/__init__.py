"""The tracking plan: its model, YAML loading with positions, and lint."""
