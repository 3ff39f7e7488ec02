"""Scorecards download as a real PDF carrying the criteria, anchors and recommendation scale."""

from __future__ import annotations

import io

from pypdf import PdfReader

from hireloop.library.models import Scorecard


def test_scorecard_pdf(admin_client):
    card = Scorecard.objects.get(slug="technical-phone-screen", workspace=None)
    response = admin_client.get(f"/library/scorecards/{card.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="technical-phone-screen-v1.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    # Compare without whitespace: line wrapping in the PDF splits words at slashes and hyphens.
    text = "".join("".join(p.extract_text().split()) for p in reader.pages)
    snapshot = card.current_version.snapshot

    def squeeze(s: str) -> str:
        return "".join(s.split())

    assert squeeze(snapshot["name"]) in text
    for criterion in snapshot["criteria"]:
        assert squeeze(criterion["name"]) in text
    assert squeeze(" ".join(snapshot["criteria"][0]["anchors"]["3"].split()[:8])) in text
    assert "Strongnohire" in text
