"""Programme definitions shipped as JSON data with the package; the only I/O of the domain."""

from __future__ import annotations

from importlib.resources import files

from kette_workflows.domain.programme import Programme

AVAILABLE_PROGRAMMES: tuple[str, ...] = ("durchstarten", "kim")


def load_programme(programme_id: str) -> Programme:
    """Read and validate one definition; call outside workflow code and pass the result in."""
    if programme_id not in AVAILABLE_PROGRAMMES:
        available = ", ".join(AVAILABLE_PROGRAMMES)
        raise ValueError(f"programme_id {programme_id!r} is unknown; available: {available}")
    text = files(__name__).joinpath(f"{programme_id}.json").read_text(encoding="utf-8")
    return Programme.model_validate_json(text)
