"""A fresh installation has a template for every agreement kind (admins edit them afterwards).

The texts are a sensible starting point written for PartnerOS, not legal advice: an admin reviews
them with counsel before the first agreement is sent.
"""

from django.db import migrations

PARTIES = """## 1. Parties

This {{ agreement_kind }} (“the Agreement”) is made between the vendor operating this partner
program (“the Vendor”) and **{{ partner_name }}**, {{ partner_address }}, website
{{ partner_website }} (“the Partner”).
"""

TERM = """## {n}. Term

The Agreement starts on **{{{{ start_date }}}}** and ends on **{{{{ end_date }}}}**; it
{{{{ auto_renew }}}}. Either party may end it by giving **{{{{ notice_period_days }}}} days'**
written notice to the other.
"""

PROGRAM = """## {n}. Partner program

The Partner takes part in the Vendor's partner program at the **{{{{ tier_name }}}}** tier. While
the Agreement is in force the Partner receives the benefits of that tier:

{{{{ tier_benefits }}}}

The tier is reviewed under the program's published rules; a change of tier changes these
benefits from the date it is confirmed in writing, without amending the Agreement.
"""

EXIT = """## {n}. Ending the Agreement

{{{{ exit_clauses }}}}

On the end of the Agreement for any reason, the Partner stops presenting itself as a partner of
the Vendor, open deal registrations are closed under the program's rules, and each party returns
or destroys the other's confidential information, except where the law requires it to be kept.
"""

GENERAL = """## {n}. General

The Agreement is the whole agreement between the parties on its subject and replaces earlier
discussions. A change binds only when made in writing and accepted by both parties. If a
provision is found unenforceable, the rest remains in force. Neither party may assign the
Agreement without the other's written consent, except to a successor of its whole business.

Issued on {{{{ issue_date }}}}.
"""


def _body(title, clauses):
    parts = [PARTIES]
    n = 2
    for clause in clauses:
        parts.append(f"## {n}. {clause[0]}\n\n{clause[1]}\n")
        n += 1
    parts.append(TERM.format(n=n))
    parts.append(PROGRAM.format(n=n + 1))
    parts.append(EXIT.format(n=n + 2))
    parts.append(GENERAL.format(n=n + 3))
    return "\n".join(parts)


CONFIDENTIALITY = (
    "Confidentiality",
    "Each party keeps confidential the non-public information the other discloses under the "
    "Agreement, uses it only for the Agreement's purpose, and shares it only with its staff and "
    "advisers who need it and are bound by equal duties. Information that is public, already "
    "known, independently developed or lawfully received from a third party is not confidential.",
)

TEMPLATES = {
    "mou": (
        "Memorandum of understanding",
        False,
        [
            (
                "Purpose",
                "The parties record their shared intention to explore a partnership: joint "
                "customers, co-marketing and the integration or resale of the Vendor's products. "
                "Apart from the sections on confidentiality and ending it, this memorandum does not "
                "create binding obligations to buy, sell or invest.",
            ),
            CONFIDENTIALITY,
        ],
    ),
    "referral": (
        "Referral agreement",
        False,
        [
            (
                "Referrals",
                "The Partner introduces prospective customers to the Vendor by registering them in "
                "the partner portal. A referral is accepted when the Vendor approves the "
                "registration; the Vendor then leads the sale and contracts with the customer "
                "directly.",
            ),
            (
                "Referral fees",
                "For an accepted referral that becomes a won deal within its protection window, "
                "the Vendor pays the Partner the referral fee of its tier, on the first year's "
                "net amount the customer pays, within 45 days of the Vendor receiving payment.",
            ),
            CONFIDENTIALITY,
        ],
    ),
    "reseller": (
        "Reseller agreement",
        True,
        [
            (
                "Appointment",
                "The Vendor appoints the Partner as a non-exclusive reseller of its products. The "
                "Partner buys at the list price less the discount of its tier and resells in its "
                "own name and at prices it sets.",
            ),
            (
                "Deal registration",
                "The Partner registers each opportunity in the partner portal. An approved "
                "registration is protected for the protection period of the Partner's tier, and "
                "the Vendor does not grant another partner the same customer during that period.",
            ),
            (
                "Orders and payment",
                "Orders are placed through the partner portal or in writing. Invoices are due 30 "
                "days from their date. The Partner passes the Vendor's end-user terms to each "
                "customer before delivery.",
            ),
            CONFIDENTIALITY,
        ],
    ),
    "technology": (
        "Technology partnership agreement",
        True,
        [
            (
                "Integration",
                "The parties build and maintain an integration between their products. Each "
                "party grants the other a non-exclusive, non-transferable licence to use its "
                "published interfaces and documentation for that purpose only.",
            ),
            (
                "Support and compatibility",
                "Each party supports its own side of the integration, informs the other at least "
                "60 days before a change that breaks it, and answers the other's escalations "
                "within two business days.",
            ),
            CONFIDENTIALITY,
        ],
    ),
    "oem": (
        "OEM agreement",
        True,
        [
            (
                "Licence to embed",
                "The Vendor grants the Partner a non-exclusive licence to embed the Vendor's "
                "products in the Partner's own product and to distribute them only as part of "
                "it, under the Partner's brand, with the Vendor's notices kept.",
            ),
            (
                "Royalties and reports",
                "The Partner reports the units distributed each quarter within 30 days of its "
                "end and pays the royalty of its tier on them. The Vendor may audit these "
                "reports once a year on 30 days' notice.",
            ),
            CONFIDENTIALITY,
        ],
    ),
    "nda": (
        "Mutual non-disclosure agreement",
        False,
        [
            (
                "Confidential information",
                "Confidential information is any non-public information a party discloses to the "
                "other, in any form, that is marked confidential or that a reasonable person "
                "would understand to be confidential.",
            ),
            (
                "Obligations",
                "The receiving party uses the confidential information only to evaluate or carry "
                "out the partnership, protects it with at least the care it gives its own, and "
                "discloses it only to people who need it and are bound by equal duties, or where "
                "a law or court requires (after telling the other party, where allowed).",
            ),
        ],
    ),
}


def create_templates(apps, schema_editor):
    AgreementTemplate = apps.get_model("agreements", "AgreementTemplate")
    for kind, (title, countersign, clauses) in TEMPLATES.items():
        if AgreementTemplate.objects.filter(kind=kind).exists():
            continue
        AgreementTemplate.objects.create(
            kind=kind,
            title=title,
            body=_body(title, clauses),
            countersign=countersign,
        )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0004_documents_and_signatures")]

    operations = [migrations.RunPython(create_templates, migrations.RunPython.noop)]
