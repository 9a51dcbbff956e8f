"""The privacy rules, framework-free: identifiers, clocks, decisions."""
