"""What each kind of agreement calls its parties, as data of the kind (models.KIND_RULES).

An ISP or a DDA has partners; a Joint Controller Agreement has joint controllers; a
controller-processor agreement has a controller and processors (each party's role is one or
the other). Pages, Word documents and e-mails take their sentences from here, whole, so that
each reads right in Welsh (mutations and number agreement), never a noun put into a sentence.

A sentence with placeholders is filled with `words.say("signed_count", n=1, total=2)`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..i18n import lazy_gettext as _l


@dataclass(frozen=True)
class PartyWords:
    """The sentences about an agreement's parties, for one kind of agreement."""

    heading: object  # the parties, as a heading or a summary key
    signed_count: object  # %(n)s of %(total)s ... have signed
    signed_count_short: object  # %(n)s of %(total)s ...
    each_signs: object  # the hint on the signatures section in the task list
    add_button: object
    add_label: object  # the register's organisations, to add one
    save_button: object  # the button of a party's details page
    none_yet: object  # an empty table of parties (Word export)
    role_hint: object  # on a party's page, where its role can be changed (DDA and DPA only)
    every_signed_event: object  # the version history's entry when it came into force
    every_signed_mail: object  # "%(ref)s %(version)s was ..." to the lead's IG leads
    every_signed_flash: object  # %(ref)s %(v)s, shown to the last signer
    approved_flash: object  # %(ref)s %(v)s, shown to the QA reviewer who approved it
    signatures_intro: object  # the sentence above the signatures table (Word export)
    sign_intro: object  # %(org)s %(title)s %(ref)s %(v)s, on the signing page
    change_parties: object  # a version past drafting: how to add or remove a party
    new_version_note: object  # %(v)s, on the page that starts a new version
    accord_signed: object  # the QA check that every party has signed the WASPI Accord
    item_recipients: object  # %(item)s, the QA check that a data item names who receives it
    which_provides: object  # the data item form: who provides it
    which_receive: object  # the data item form: who receives it
    choose_one: object  # the blank choice of a list of the parties
    recipients_missing: object  # a data item that names nobody who receives it
    review_steps: object  # the review reminder e-mail: how to review the agreement

    def say(self, name: str, **values) -> str:
        """The sentence `name` in the current language, with its placeholders filled."""
        text = str(getattr(self, name))
        return text % values if values else text

    def all_languages(self, name: str) -> list[str]:
        """The sentence as English and Welsh write it (for reading an export back)."""
        from flask_babel import force_locale

        found = []
        for locale in ("en", "cy"):
            with force_locale(locale):
                found.append(str(getattr(self, name)))
        return found

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


PARTNER_WORDS = PartyWords(
    heading=_l("Partners"),
    signed_count=_l("%(n)s of %(total)s partners have signed"),
    signed_count_short=_l("%(n)s of %(total)s partners"),
    each_signs=_l("Each partner signs after quality assurance"),
    add_button=_l("Add partner"),
    add_label=_l("Add a partner organisation from the register"),
    save_button=_l("Save partner"),
    none_yet=_l("No partner organisations yet."),
    role_hint=_l("A Data Disclosure Agreement has exactly one discloser."),
    every_signed_event=_l("Signed by every partner: active"),
    every_signed_mail=_l("signed by every partner and now active"),
    every_signed_flash=_l("Signed. Every partner has now signed: %(ref)s %(v)s is active."),
    approved_flash=_l("%(ref)s %(v)s is QA approved. The partners have been asked to sign it."),
    signatures_intro=_l(
        "Each partner organisation signs by the signatory it names: from their own ISP Manager account, or on paper, recorded by the organisation's information governance lead with a scan of the signed page."
    ),
    sign_intro=_l(
        "By signing, %(org)s agrees to share personal information as %(title)s (%(ref)s %(v)s) sets out. The agreement becomes active when every partner has signed."
    ),
    change_parties=_l(
        "To add or remove a partner, start a new version: every partner, old and new, signs it again."
    ),
    new_version_note=_l(
        "The new version starts as a draft copy of %(v)s. %(v)s stays active, unchanged, until every partner has signed the new version. Set a new review date in the new version."
    ),
    accord_signed=_l("Every partner organisation has signed the WASPI Accord"),
    item_recipients=_l("%(item)s names the partners that receive it"),
    which_provides=_l("Which partner provides it?"),
    which_receive=_l("Which partners receive it?"),
    choose_one=_l("Choose a partner"),
    recipients_missing=_l("Choose at least one partner that receives it"),
    review_steps=_l(
        "To review it, start a new version, make any changes with the partners, and take it through quality assurance and signing again. The current version stays in force until the new one is signed by every partner."
    ),
)

JOINT_CONTROLLER_WORDS = PartyWords(
    heading=_l("Joint controllers"),
    signed_count=_l("%(n)s of %(total)s joint controllers have signed"),
    signed_count_short=_l("%(n)s of %(total)s joint controllers"),
    each_signs=_l("Each joint controller signs after quality assurance"),
    add_button=_l("Add joint controller"),
    add_label=_l("Add a joint controller from the register"),
    save_button=_l("Save joint controller"),
    none_yet=_l("No joint controllers yet."),
    role_hint=_l("Every party to a Joint Controller Agreement is a joint controller."),
    every_signed_event=_l("Signed by every joint controller: active"),
    every_signed_mail=_l("signed by every joint controller and now active"),
    every_signed_flash=_l(
        "Signed. Every joint controller has now signed: %(ref)s %(v)s is active."
    ),
    approved_flash=_l(
        "%(ref)s %(v)s is QA approved. The joint controllers have been asked to sign it."
    ),
    signatures_intro=_l(
        "Each joint controller signs by the signatory it names: from their own ISP Manager account, or on paper, recorded by the organisation's information governance lead with a scan of the signed page."
    ),
    sign_intro=_l(
        "By signing, %(org)s agrees to process personal information jointly as %(title)s (%(ref)s %(v)s) sets out. The agreement becomes active when every joint controller has signed."
    ),
    change_parties=_l(
        "To add or remove a joint controller, start a new version: every joint controller, old and new, signs it again."
    ),
    new_version_note=_l(
        "The new version starts as a draft copy of %(v)s. %(v)s stays active, unchanged, until every joint controller has signed the new version. Set a new review date in the new version."
    ),
    accord_signed=_l("Every joint controller has signed the WASPI Accord"),
    item_recipients=_l("%(item)s names the joint controllers that receive it"),
    which_provides=_l("Which joint controller provides it?"),
    which_receive=_l("Which joint controllers receive it?"),
    choose_one=_l("Choose a joint controller"),
    recipients_missing=_l("Choose at least one joint controller that receives it"),
    review_steps=_l(
        "To review it, start a new version, make any changes with the other joint controllers, and take it through quality assurance and signing again. The current version stays in force until the new one is signed by every joint controller."
    ),
)

CONTROLLER_PROCESSOR_WORDS = PartyWords(
    heading=_l("Controller and processors"),
    signed_count=_l("%(n)s of %(total)s have signed (the controller and its processors)"),
    signed_count_short=_l("%(n)s of %(total)s (the controller and its processors)"),
    each_signs=_l("The controller and each processor sign after quality assurance"),
    add_button=_l("Add processor"),
    add_label=_l("Add a processor from the register"),
    save_button=_l("Save details"),
    none_yet=_l("No controller or processors yet."),
    role_hint=_l("A controller-processor agreement has exactly one controller."),
    every_signed_event=_l("Signed by the controller and every processor: active"),
    every_signed_mail=_l("signed by the controller and every processor and now active"),
    every_signed_flash=_l(
        "Signed. The controller and every processor have now signed: %(ref)s %(v)s is active."
    ),
    approved_flash=_l(
        "%(ref)s %(v)s is QA approved. The controller and the processors have been asked to sign it."
    ),
    signatures_intro=_l(
        "The controller and each processor sign by the signatory each names: from their own ISP Manager account, or on paper, recorded by the organisation's information governance lead with a scan of the signed page."
    ),
    sign_intro=_l(
        "By signing, %(org)s agrees to the processing of personal information as %(title)s (%(ref)s %(v)s) sets out. The agreement becomes active when the controller and every processor have signed."
    ),
    change_parties=_l(
        "To add or remove a processor, start a new version: the controller and every processor, old and new, sign it again."
    ),
    new_version_note=_l(
        "The new version starts as a draft copy of %(v)s. %(v)s stays active, unchanged, until the controller and every processor have signed the new version. Set a new review date in the new version."
    ),
    accord_signed=_l("The controller and every processor have signed the WASPI Accord"),
    item_recipients=_l("%(item)s names the controller or processors that receive it"),
    which_provides=_l("Who provides it: the controller or a processor?"),
    which_receive=_l("Who receives it?"),
    choose_one=_l("Choose the controller or a processor"),
    recipients_missing=_l("Choose the controller or at least one processor that receives it"),
    review_steps=_l(
        "To review it, start a new version, make any changes with the processors, and take it through quality assurance and signing again. The current version stays in force until the new one is signed by the controller and every processor."
    ),
)
