"""Mending one PDF extractor's words by another's reading of the same page."""

from ingest.text_quality import join_split_words

PYPDF = ("Title III, the Computer Maintenance Competition Assuranc e Act, creates an exemption. "
         "It provide s merely an overview of th e law. A complete understanding of an y "
         "provision is needed.")
PDFIUM = ("Title III, the Computer Maintenance Competition Assurance Act, creates an exemption. "
          "It provides merely an overview of the law. A complete understanding of any "
          "provision is needed.")


def test_words_split_by_one_extractor_and_whole_in_the_other_are_joined():
    assert join_split_words(PYPDF, PDFIUM) == PDFIUM


def test_two_words_both_extractors_write_stay_apart():
    # "in to" is two words in both readings, though the page also writes "into"
    text = PYPDF + " Log in to the portal, then go into settings."
    other = PDFIUM + " Log in to the portal, then go into settings."
    assert join_split_words(text, other).endswith(" Log in to the portal, then go into settings.")


def test_a_lone_pair_is_left_as_it_is():
    """One pair on a page is as likely a space the other extractor missed ("ratherrare" in an
    OCR text layer) as a split word."""
    assert join_split_words("It was rather rare then.", "It was ratherrare then.") == (
        "It was rather rare then.")
    assert join_split_words("No words here.", "") == "No words here."
