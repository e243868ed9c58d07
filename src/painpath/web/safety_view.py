"""What every page of the care loop needs to show a patient's open red flags: the flags
themselves (they stand until a clinician records what was done), the tier labels, the
sources behind each flag, how to reach the clinic, and the review form's choices."""

from __future__ import annotations

from typing import Any

from painpath.services import safety
from painpath.services.checkins import catalog_for
from painpath.services.context import Context


def safety_context(ctx: Context, patient_id: int) -> dict[str, Any]:
    catalog = catalog_for(ctx)
    return {
        "safety_status": safety.status(ctx, patient_id),
        "tiers": catalog.redflags.tiers,
        "reference_of": catalog.references,
        "clinic_contact": ctx.settings.clinic_contact,
        "review_outcomes": safety.OUTCOMES,
    }
