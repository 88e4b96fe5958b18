"""Forms for the organisations register: filters, add and edit, s.162(4)(b) agreements."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Length, ValidationError

from ..forms_base import FlaskForm
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..law import RELEVANT_PARTNER, S28
from ..widgets import UKCharacterCount
from .models import NATION_LABELS, ORG_KIND_LABELS, Nation, OrgKind
from .services import MAX_SEARCH_LENGTH

ALL_WALES = "wales"  # the "All of Wales" choice among the areas
STATUS_CHOICES = (("active", _l("Active")), ("inactive", _l("Inactive")), ("all", _l("All")))
WASPI_ACCORD_CHOICES = (
    ("", _l("Signed or not")),
    ("signed", _l("Signed")),
    ("not_signed", _l("Not signed")),
)


def kind_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank), *((kind.value, str(ORG_KIND_LABELS[kind])) for kind in OrgKind)]


def nation_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank), *((nation.value, str(NATION_LABELS[nation])) for nation in Nation)]


def s28_choices(locale: str, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *((p.code, f"{p.citation_for(locale)}: {p.label(locale)}") for p in S28)]


def relevant_partner_choices(locale: str, blank: str) -> list[tuple[str, str]]:
    # rp-b comes from an agreement between two councils, never from a register entry.
    entries = (p for p in RELEVANT_PARTNER if p.code != "rp-b")
    return [
        ("", blank),
        *((p.code, f"{p.citation_for(locale)}: {p.label(locale)}") for p in entries),
    ]


def apply_errors(form: FlaskForm, error, field_map: dict[str, str] | None = None) -> None:
    """Put a service's field messages onto the form's fields; others become form-level errors."""
    field_map = field_map or {}
    for key, messages in error.errors.items():
        field = getattr(form, field_map.get(key, key) or "", None) if key else None
        if field is None or not hasattr(field, "errors"):
            form.form_errors.extend(messages)
            continue
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.extend(messages)


class WelshDateInput(GovDateInput):
    """The GOV.UK date input with its Day, Month and Year labels in the current language."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        for item, label in zip(params["items"], (_("Day"), _("Month"), _("Year")), strict=True):
            item["label"] = label
        return params


class DayMonthYearField(Field):
    """A date typed as day, month and year (three boxes), with GOV.UK-style messages.
    Empty is allowed (data None); `what` names the date in messages."""

    widget = WelshDateInput()

    def __init__(self, label=None, validators=None, what=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.what = what or label

    def _value(self):
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            self.raw_data = ["", "", ""]
            return
        parts = [v.strip() for v in valuelist[:3]] + [""] * (3 - len(valuelist[:3]))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        missing = [
            name
            for name, value in zip((_("day"), _("month"), _("year")), parts, strict=True)
            if not value
        ]
        if missing:
            raise ValueError(
                _("%(what)s must include a %(part)s", what=str(self.what), part=missing[0])
            )
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1000:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            raise ValueError(
                _("%(what)s must be a real date, like 27 3 2025", what=str(self.what))
            ) from None


def _accord_choice(form, field):
    if field.data not in (value for value, _label in WASPI_ACCORD_CHOICES):
        raise ValidationError(_("Select signed or not signed for the WASPI Accord"))


class RegisterFilterForm(FlaskForm):
    """The register list's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name"),
        description=_l("English or Welsh name, or part of it"),
        widget=GovTextInput(),
        validators=[Length(max=MAX_SEARCH_LENGTH)],
    )
    kind = SelectField(
        _l("Kind of organisation"), widget=GovSelect(), validate_choice=False, default=""
    )
    nation = SelectField(_l("Nation"), widget=GovSelect(), validate_choice=False, default="")
    area = SelectField(_l("Council area"), widget=GovSelect(), validate_choice=False, default="")
    s28_category = SelectField(
        _l("Section 28 category"), widget=GovSelect(), validate_choice=False, default=""
    )
    waspi_accord = SelectField(
        _l("WASPI Accord"),
        widget=GovSelect(),
        choices=WASPI_ACCORD_CHOICES,
        validate_choice=False,
        default="",
        validators=[_accord_choice],
    )
    status = SelectField(_l("Status"), widget=GovSelect(), choices=STATUS_CHOICES, default="active")

    def setup(self, councils, locale: str) -> RegisterFilterForm:
        self.kind.choices = kind_choices(_("Any kind"))
        self.nation.choices = nation_choices(_("Any nation"))
        self.area.choices = [("", _("Anywhere in Wales"))] + [
            (c.code, c.display_name(locale)) for c in councils
        ]
        self.s28_category.choices = [("", _("Any category"))] + [
            (p.code, f"{p.section_for(locale)}: {p.label(locale)}") for p in S28
        ]
        for field in (self.kind, self.nation, self.area, self.s28_category):
            field.validators = [_choice_message(field)]
        return self


def _choice_message(field):
    def check(form, f):
        if f.data not in (value for value, _label in f.choices):
            raise ValidationError(
                _("Select a %(what)s from the list", what=str(f.label.text).lower())
            )

    return check


class OrganisationForm(FlaskForm):
    """Add or edit an organisation. Rules are checked by the service; this only carries input."""

    code = StringField(
        _l("Code"),
        description=_l(
            "A short, permanent identifier: lower-case letters, numbers and hyphens, like yot-cardiff. "
            "It cannot be changed later."
        ),
        widget=GovTextInput(),
    )
    name = StringField(_l("Name"), widget=GovTextInput())
    name_cy = StringField(_l("Welsh name (optional)"), widget=GovTextInput())
    kind = SelectField(_l("Kind of organisation"), widget=GovSelect(), validate_choice=False)
    nation = SelectField(
        _l("Nation"),
        description=_l(
            "Where the organisation is established. Choose UK-wide for a body that works across "
            "the nations, such as the National Crime Agency."
        ),
        widget=GovSelect(),
        validate_choice=False,
    )
    s28_category = SelectField(
        _l("Section 28 category (optional)"),
        description=_l(
            "The duty to safeguard children under the Children Act 2004, s.28(1), if it applies"
        ),
        widget=GovSelect(),
        validate_choice=False,
    )
    relevant_partner_category = SelectField(
        _l("Relevant-partner category (optional)"),
        description=_l(
            "Social Services and Well-being (Wales) Act 2014, s.162(4). Another council becomes a "
            "relevant partner by a recorded agreement, on the council's page."
        ),
        widget=GovSelect(),
        validate_choice=False,
    )
    areas = SelectMultipleField(_l("Areas covered"), validate_choice=False)
    ico_registration = StringField(
        _l("ICO registration number (optional)"),
        description=_l("As on the ICO register, like Z1234567 or ZA123456"),
        widget=GovTextInput(),
    )
    dpo_name = StringField(_l("Data protection officer's name (optional)"), widget=GovTextInput())
    dpo_email = StringField(
        _l("Data protection officer's e-mail address (optional)"), widget=GovTextInput()
    )
    ig_lead_name = StringField(
        _l("Information governance lead's name (optional)"), widget=GovTextInput()
    )
    ig_lead_email = StringField(
        _l("Information governance lead's e-mail address (optional)"), widget=GovTextInput()
    )
    waspi_signed_on = DayMonthYearField(
        _l("Date the WASPI Accord was signed (optional)"),
        what=_l("The date the WASPI Accord was signed"),
        description=_l("For example, 27 3 2024"),
    )
    waspi_designated_person = StringField(
        _l("Designated person for the WASPI Accord (optional)"),
        description=_l("Usually the data protection officer"),
        widget=GovTextInput(),
    )
    waspi_declaration_signed_by = StringField(
        _l("Who signed the Declaration of Acceptance and Participation (optional)"),
        description=_l("Their name. The Declaration is usually signed by the chief executive."),
        widget=GovTextInput(),
    )
    waspi_declaration_signatory_role = StringField(
        _l("Their role (optional)"),
        description=_l("Their job title, like Chief Executive"),
        widget=GovTextInput(),
    )
    notes = StringField(_l("Notes (optional)"), widget=UKCharacterCount())
    is_active = BooleanField(
        _l("This organisation is active"), widget=GovCheckboxInput(), default=True
    )
    is_public_authority = RadioField(
        _l("Is it a public authority?"),
        description=_l(
            "A public authority cannot rely on legitimate interests (UK GDPR Article 6(1)(f) or "
            "6(1)(ea)) for its tasks. Councils, health boards, NHS trusts, the police and the other "
            "statutory bodies are; charities and other organisations usually are not."
        ),
        choices=[
            ("", _l("Work it out from the kind of organisation")),
            ("yes", _l("Yes, it is a public authority")),
            ("no", _l("No, it is not a public authority")),
        ],
        widget=GovRadioInput(),
        validate_choice=False,
        default="",
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def setup(self, councils, locale: str) -> OrganisationForm:
        self.kind.choices = kind_choices(_("Choose a kind"))
        self.nation.choices = nation_choices(_("Choose a nation"))
        self.s28_category.choices = s28_choices(locale, _("None"))
        self.relevant_partner_category.choices = relevant_partner_choices(locale, _("None"))
        self.areas.choices = [(c.code, c.display_name(locale)) for c in councils] + [
            (ALL_WALES, _("All of Wales"))
        ]
        return self

    def service_fields(self, *, with_code: bool) -> dict:
        """The input as the service takes it: `areas` as council codes plus covers_all_wales."""
        chosen = list(self.areas.data or [])
        fields = {
            "name": self.name.data,
            "name_cy": self.name_cy.data,
            "kind": self.kind.data,
            "nation": self.nation.data,
            "s28_category": self.s28_category.data,
            "relevant_partner_category": self.relevant_partner_category.data,
            "areas": [code for code in chosen if code != ALL_WALES],
            "covers_all_wales": ALL_WALES in chosen,
            "ico_registration": self.ico_registration.data,
            "dpo_name": self.dpo_name.data,
            "dpo_email": self.dpo_email.data,
            "ig_lead_name": self.ig_lead_name.data,
            "ig_lead_email": self.ig_lead_email.data,
            "waspi_signed_on": self.waspi_signed_on.data,
            "waspi_designated_person": self.waspi_designated_person.data,
            "waspi_declaration_signed_by": self.waspi_declaration_signed_by.data,
            "waspi_declaration_signatory_role": self.waspi_declaration_signatory_role.data,
            "notes": self.notes.data,
            "is_active": bool(self.is_active.data),
            "is_public_authority": {"yes": True, "no": False}.get(self.is_public_authority.data),
        }
        if with_code:
            fields["code"] = self.code.data
        return fields

    def load(self, org) -> OrganisationForm:
        """Fill the form from a stored organisation (edit page, first view)."""
        self.code.data = org.code
        self.name.data = org.name
        self.name_cy.data = org.name_cy or ""
        self.kind.data = org.kind.value
        self.nation.data = org.nation.value
        self.s28_category.data = org.s28_category or ""
        self.relevant_partner_category.data = org.relevant_partner_category or ""
        self.areas.data = [ALL_WALES] if org.covers_all_wales else [a.code for a in org.areas]
        self.ico_registration.data = org.ico_registration or ""
        self.dpo_name.data = org.dpo_name or ""
        self.dpo_email.data = org.dpo_email or ""
        self.ig_lead_name.data = org.ig_lead_name or ""
        self.ig_lead_email.data = org.ig_lead_email or ""
        self.waspi_signed_on.data = org.waspi_signed_on
        self.waspi_designated_person.data = org.waspi_designated_person or ""
        self.waspi_declaration_signed_by.data = org.waspi_declaration_signed_by or ""
        self.waspi_declaration_signatory_role.data = org.waspi_declaration_signatory_role or ""
        self.notes.data = org.notes or ""
        self.is_active.data = org.is_active
        self.is_public_authority.data = "yes" if org.is_public_authority else "no"
        return self


# Maps the service's field names onto the form's (areas and covers_all_wales share one control).
ORGANISATION_FIELD_MAP = {"covers_all_wales": "areas"}


class AgreementForm(FlaskForm):
    """Record that this council and another agree to co-operate (s.162(4)(b))."""

    other_council = SelectField(_l("Other council"), widget=GovSelect(), validate_choice=False)
    agreed_on = DayMonthYearField(
        _l("Date agreed"), what=_l("The date agreed"), description=_l("For example, 27 3 2025")
    )
    notes = StringField(_l("Notes (optional)"), widget=UKCharacterCount())
    submit = SubmitField(_l("Record agreement"), widget=GovSubmitInput())

    def setup(self, council, councils, locale: str) -> AgreementForm:
        self.other_council.choices = [("", _("Choose a council"))] + [
            (c.code, c.display_name(locale)) for c in councils if c.id != council.id
        ]
        return self


class EndAgreementForm(FlaskForm):
    ended_on = DayMonthYearField(
        _l("Date the agreement ended"),
        what=_l("The date the agreement ended"),
        description=_l("For example, 27 3 2025"),
    )
    submit = SubmitField(_l("End agreement"), widget=GovSubmitInput())


class OwnDetailsForm(FlaskForm):
    """The organisation's own details, which its IG lead keeps (services.OWN_DETAIL_FIELDS)."""

    ico_registration = OrganisationForm.ico_registration
    dpo_name = OrganisationForm.dpo_name
    dpo_email = OrganisationForm.dpo_email
    ig_lead_name = OrganisationForm.ig_lead_name
    ig_lead_email = StringField(
        _l("Request contact: e-mail address (optional)"),
        description=_l(
            "Requests made to your organisation, and other notices, are sent here as well as to "
            "the people who answer requests. Usually the information governance lead's address."
        ),
        widget=GovTextInput(),
    )
    waspi_signed_on = OrganisationForm.waspi_signed_on
    waspi_designated_person = OrganisationForm.waspi_designated_person
    waspi_declaration_signed_by = OrganisationForm.waspi_declaration_signed_by
    waspi_declaration_signatory_role = OrganisationForm.waspi_declaration_signatory_role
    submit = SubmitField(_l("Save details"), widget=GovSubmitInput())

    FIELDS = (
        "ico_registration",
        "dpo_name",
        "dpo_email",
        "ig_lead_name",
        "ig_lead_email",
        "waspi_signed_on",
        "waspi_designated_person",
        "waspi_declaration_signed_by",
        "waspi_declaration_signatory_role",
    )

    def service_fields(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}

    def load(self, org) -> OwnDetailsForm:
        for name in self.FIELDS:
            value = getattr(org, name)
            getattr(self, name).data = value if name == "waspi_signed_on" else (value or "")
        return self
