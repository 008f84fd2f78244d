"""Trading partners: profiles (YAML files), identities and agreements, as tables."""

from pathlib import Path

# The demo partners, beside the project's golden samples.
DEFAULT_PARTNERS = Path(__file__).resolve().parents[2] / "samples" / "partners"
