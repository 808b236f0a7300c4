"""The course evaluation every accredited course must run: fixed Likert items plus free text."""

from django.utils.translation import gettext_lazy as _

LIKERT = [
    (1, _("strongly disagree")),
    (2, _("disagree")),
    (3, _("neither")),
    (4, _("agree")),
    (5, _("strongly agree")),
]

# Modelled on chamber evaluation forms: relevance, practice, didactics, neutrality, overall.
ITEMS = [
    ("relevance", _("The content was relevant to my professional work.")),
    ("practice", _("I can apply what I learned in my practice.")),
    ("vignettes", _("The case vignettes helped me to understand the principles.")),
    ("test", _("The final test checked what the course taught.")),
    ("neutrality", _("The course was free of product advertising and economic interests.")),
    ("workload", _("The stated duration matched the time I needed.")),
    ("overall", _("Overall, I would recommend this course to colleagues.")),
]
