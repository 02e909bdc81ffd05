"""District: the profile (YAML) and the registry (CSV) as the user writes them; parsing and validation only."""
