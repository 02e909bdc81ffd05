"""The bundled sample district (West Fargo Public Schools; every handle invented).

``examples/west-fargo/`` links here; ``scout demo`` and the tests load these files.
"""

from pathlib import Path

SAMPLE_DIR = Path(__file__).parent
PROFILE = SAMPLE_DIR / "profile.yaml"
REGISTRY = SAMPLE_DIR / "registry.csv"
