"""The reg 86 standstill letter checked against the text of the Public Contracts Regulations 2015,
reg 86 as made (https://www.legislation.gov.uk/uksi/2015/102/part/3/chapter/5/made), item by item."""

from __future__ import annotations

from svscore.award.provisions import PCR_SOURCE, REG_86, reg_86
from tests.award.conftest import read_docx, small_bids, small_tender
from tests.award.test_award_folder import PCR_CONTRACT, award, write

CITES = {
    "The decision": "As regulation 86(1) and regulation 86(2)(c)(i) of the Public Contracts Regulations 2015 require.",
    "Award criteria": "As regulation 86(2)(a) of the Public Contracts Regulations 2015 requires.",
    "Scores": "As regulation 86(2)(b)(i) and regulation 86(2)(b)(ii)(aa) of the Public Contracts Regulations 2015 require.",
    "Standstill period": "As regulation 86(2)(d) of the Public Contracts Regulations 2015 requires.",
}
"""Each part of every letter, and the paragraph it cites: reg 86(2)(a) the criteria; (b) the reasons,
the characteristics and relative advantages of the successful tender, and the score of the tenderer
receiving the notice (i) and of the one to be awarded the contract (ii)(aa); (c)(i) that tenderer's
name; (d) when the standstill period ends, or the date before which the contract is not entered into."""


def _paragraphs_after(document, heading: str) -> str:
    texts = [p.text for p in document.paragraphs]
    return texts[texts.index(heading) + 1]


def test_every_part_of_the_letter_cites_the_paragraph_of_reg_86_that_requires_it(tmp_path):
    """Before, the letter cited reg 86 once, and its scores were given "as is usual practice",
    though reg 86(2)(b)(i) and (ii) require them."""
    folder = tmp_path / "in"
    tender = write(folder, "tender.json", small_tender(contract=PCR_CONTRACT))
    bids = write(folder, "bids.json", small_bids())
    out = tmp_path / "award"
    assert award(tender, bids, out).returncode == 0
    letters = sorted(out.glob("standstill-letter-*.docx"))
    assert len(letters) == 3
    unsuccessful = 0
    for path in letters:
        document, text = read_docx(path)
        for heading, cite in CITES.items():
            assert _paragraphs_after(document, heading) == cite, (path.name, heading)
        if "Reasons for the decision" in text:
            unsuccessful += 1
            assert _paragraphs_after(document, "Reasons for the decision") == (
                "As regulation 86(2)(b) of the Public Contracts Regulations 2015 requires.")
    assert unsuccessful == 2
    _, report = read_docx(out / "award-report.docx")
    assert ("PCR 2015 reg 86(3) requires the reason for any decision that the tenderer did not meet the technical "
            "specifications in an equivalent manner (reg 42(14))") in report
    assert "svscore records no such decision: where the authority made one, it must be added to that tenderer's letter" in report


def test_reg_86_is_law_as_data_with_its_source():
    assert "legislation.gov.uk/uksi/2015/102" in PCR_SOURCE
    assert [p.provision for p in REG_86 if p.confirmed] == [
        "PCR 2015 reg 86(1)", "PCR 2015 reg 86(2)(a)", "PCR 2015 reg 86(2)(b)", "PCR 2015 reg 86(2)(b)(i)",
        "PCR 2015 reg 86(2)(b)(ii)(aa)", "PCR 2015 reg 86(3)", "PCR 2015 reg 86(2)(c)(i)", "PCR 2015 reg 86(2)(d)"]
    [unsure] = [p for p in REG_86 if not p.confirmed]
    assert unsure.provision == "PCR 2015 reg 55" and unsure.note.startswith("Uncertain: the text of reg 55 was not read")
    assert reg_86("the criteria") == "PCR 2015 reg 86(2)(a)"
