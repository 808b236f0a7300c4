"""
Rules for the sources in ``course.yaml``'s ``references`` (decision 0505).

A CPD course cites the source itself: a statute from its official text (law, paragraph, version date), a court
decision by court, date and file number, a guideline or code from the body that issued it, a study by its DOI.
The JSON Schema requires the fields each ``kind`` needs. Here: an address on a document-aggregator host (sites
that re-host copies of other people's documents) refuses the package, because such a copy can be incomplete,
outdated or altered and says nothing about who published it; a source with neither a DOI nor an address on an
official host (legislator, court, public body, the issuing professional body) is a warning, unless it is a
statute or decision cited completely, which needs no address to be found.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

from .checker import Checker
from .yamlio import LineDict, LineList

# Hosts that re-publish uploaded copies of documents they did not publish. A subdomain counts as the host.
AGGREGATOR_HOSTS = frozenset(
    {
        "9dok.net",
        "coursehero.com",
        "cupdf.com",
        "docest.com",
        "docplayer.com",
        "docplayer.net",
        "docplayer.org",
        "docslib.org",
        "documents.pub",
        "dokumen.pub",
        "dokumen.tips",
        "doku.pub",
        "expydoc.com",
        "fdocuments.in",
        "fdocuments.net",
        "kipdf.com",
        "librs.net",
        "paperzz.com",
        "pdfcoffee.com",
        "pdfcoke.com",
        "pdfslide.net",
        "scribd.com",
        "silo.pub",
        "silo.tips",
        "studocu.com",
        "studylib.de",
        "studylib.es",
        "studylib.net",
        "vdocument.in",
        "vdocuments.mx",
        "vdocuments.net",
        "yumpu.com",
    }
)

# Official publishers: legislators and courts, public bodies, chambers and the professional bodies whose codes
# and guidelines the course cites. A subdomain counts as the host.
OFFICIAL_HOSTS = frozenset(
    {
        "apa.org",
        "asppb.net",
        "bacp.co.uk",
        "bptk.de",
        "bundesaerztekammer.de",
        "bundesgerichtshof.de",
        "bundesverfassungsgericht.de",
        "counseling.org",
        "curia.europa.eu",
        "doi.org",
        "eur-lex.europa.eu",
        "g-ba.de",
        "gesetze-bayern.de",
        "gesetze-im-internet.de",
        "hcpc-uk.org",
        "kbv.de",
        "landesrecht-bw.de",
        "landesrecht.rlp.de",
        "legislation.gov.uk",
        "psypact.org",
        "recht.nrw.de",
        "rechtsprechung-im-internet.de",
        "who.int",
    }
)
# Public authorities by top-level domain (US federal, UK government).
OFFICIAL_SUFFIXES = (".gov", ".gov.uk")
# Psychotherapists' chambers: lpk-bw.de, ptk-hamburg.de, psychotherapeutenkammer-berlin.de and the like.
CHAMBER_HOST = re.compile(r"^(?:www\.)?(?:lpk|ptk|psychotherapeutenkammer|opk)(?:-[a-z]+)*\.de$")

# Kinds that are complete without an address when their structured citation is there (the schema requires it).
SELF_CITING_KINDS = {"statute", "decision"}


def _on(host: str, hosts: frozenset[str]) -> bool:
    return any(host == known or host.endswith("." + known) for known in hosts)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_aggregator(url: str) -> bool:
    return _on(host_of(url), AGGREGATOR_HOSTS)


def is_official(url: str) -> bool:
    host = host_of(url)
    return _on(host, OFFICIAL_HOSTS) or host.endswith(OFFICIAL_SUFFIXES) or bool(CHAMBER_HOST.match(host))


def check_sources(check: Checker, path: Path, references: LineList) -> None:
    for reference in references:
        _check_reference(check, path, reference)


def _check_reference(check: Checker, path: Path, reference: LineDict) -> None:
    where = f"reference {reference['key']!r}"
    url = str(reference.get("url") or "")
    if url and is_aggregator(url):
        check.error(
            path,
            reference.line_of("url"),
            f"{where}: {host_of(url)} re-hosts copies of documents; cite the publisher, the DOI or the official text",
        )
        return
    if reference.get("doi") or (url and is_official(url)):
        return
    if reference.get("kind") in SELF_CITING_KINDS:
        return
    check.warn(
        path,
        reference.line_of("key"),
        f"{where}: no DOI and no address on an official host; add the DOI, or the issuing body's address",
    )
