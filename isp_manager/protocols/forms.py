"""WTForms for the protocol pages, with GOV.UK widgets. Rules live in the services; these only
turn posted fields into the values the services take."""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms_base import FlaskForm
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..law import ARTICLE6, ARTICLE9, PARA18_REASONS, SCHEDULE1
from ..widgets import UKDateInput
from .models import KIND_LABELS, STATE_LABELS, ProtocolKind, VersionState
from .templates_data import TemplateSection


def apply_errors(form: FlaskForm, error, field_map: dict | None = None) -> None:
    """Put a service's field messages onto the form's fields (others onto the whole form)."""
    field_map = field_map or {}
    for key, messages in error.errors.items():
        name = field_map.get(key, key)
        target = getattr(form, name, None) if name else None
        if target is None or not hasattr(target, "errors") or isinstance(target, HiddenField):
            form.form_errors.extend(messages)
            continue
        if not isinstance(target.errors, list):
            target.errors = list(target.errors)
        target.errors.extend(messages)


class MultiCheckboxField(SelectMultipleField):
    widget = GovCheckboxesInput()

    def pre_validate(self, form):  # the services say which codes are unknown, in words
        pass


class StartProtocolForm(FlaskForm):
    kind = RadioField(
        _l("What kind of agreement is it?"),
        choices=[(k.value, KIND_LABELS[k]) for k in ProtocolKind],
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose the kind of agreement"))],
    )
    title = StringField(
        _l("Title"),
        description=_l(
            "Say who shares what for which purpose, for example ‘Safeguarding children in Cardiff and the Vale of Glamorgan’."
        ),
        widget=GovTextInput(),
        validators=[DataRequired(message=_l("Enter a title for the agreement")), Length(max=300)],
    )
    submit = SubmitField(_l("Start drafting"), widget=GovSubmitInput())


class FilterForm(Form):
    state = SelectField(
        _l("State"),
        choices=[("", _l("Any state"))] + [(s.value, STATE_LABELS[s]) for s in VersionState],
        widget=GovSelect(),
        validators=[Optional()],
    )
    kind = SelectField(
        _l("Kind"),
        choices=[("", _l("Any kind of agreement"))]
        + [(k.value, KIND_LABELS[k]) for k in ProtocolKind],
        widget=GovSelect(),
        validators=[Optional()],
    )


class GlossaryRowForm(Form):
    term = StringField(_l("Term"), widget=GovTextInput(), validators=[Optional(), Length(max=500)])
    definition = TextAreaField(_l("Definition"), widget=GovTextArea(), validators=[Optional()])


COMPLETE_CHOICES = [
    ("yes", _l("Yes, I’ve completed this section")),
    ("no", _l("No, I’ll come back to it later")),
]


def section_form_class(section: TemplateSection, locale: str = "en") -> type[FlaskForm]:
    """A form for the JSON fields of one template section (and its review date)."""

    class SectionForm(FlaskForm):
        row_version = HiddenField()
        is_complete = RadioField(
            _l("Have you completed this section?"),
            choices=COMPLETE_CHOICES,
            widget=GovRadioInput(),
            validators=[Optional()],
        )
        submit = SubmitField(_l("Save and continue"), widget=GovSubmitInput())

    if "partners" in section.table_types:
        # Part of the section's form, so that adding a partner keeps what was typed above it.
        SectionForm.new_partner = SelectField(
            _l("Add a partner organisation from the register"),
            widget=GovSelect(),
            choices=[],
            validate_choice=False,
            validators=[Optional()],
        )
    for f in section.fields:
        label = f.label.get(locale)
        hint = f.hint.get(locale) if f.hint else ""
        if f.type == "text":
            field = StringField(
                label, description=hint, widget=GovTextInput(), validators=[Optional()]
            )
        elif f.type in ("textarea", "list"):
            field = TextAreaField(
                label, description=hint, widget=GovTextArea(), validators=[Optional()]
            )
        elif f.type == "catalogue":
            field = MultiCheckboxField(label, description=hint, choices=f.catalogue_choices(locale))
        elif f.type == "glossary":
            field = FieldList(FormField(GlossaryRowForm), min_entries=3)
        elif f.type == "review_date":
            field = DateField(
                label,
                description=hint,
                format="%d %m %Y",
                widget=UKDateInput(),
                validators=[Optional()],
            )
        else:
            continue
        setattr(SectionForm, f.code, field)
    return SectionForm


class PartnerForm(FlaskForm):
    row_version = HiddenField()
    departments = TextAreaField(
        _l("Departments or teams"), widget=GovTextArea(), validators=[Optional(), Length(max=2000)]
    )
    contact_name = StringField(
        _l("Owner or point of contact: name"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    contact_email = StringField(
        _l("Owner or point of contact: e-mail address"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=254)],
    )
    signatory_user_id = SelectField(
        _l("Signatory with an account"),
        description=_l(
            "Choose the person who signs for this organisation if they have an account here: they sign from it. Leave as ‘No account’ for a named officer who signs on paper, whose signature the organisation's information governance lead records."
        ),
        widget=GovSelect(),
        choices=[],
        validators=[Optional()],
    )
    signatory_name = StringField(
        _l("Signatory without an account: name"),
        description=_l("Only for a named officer without an account."),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    signatory_role = StringField(
        _l("Signatory: role"),
        description=_l(
            "For example, Chief Executive. For a signatory with an account, leave it blank to use their job title."
        ),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    role = RadioField(
        _l("Role in this agreement"), widget=GovRadioInput(), validators=[Optional()], choices=[]
    )
    can_edit = BooleanField(
        _l("Its information governance leads may edit this agreement"), widget=GovCheckboxInput()
    )
    submit = SubmitField(_l("Save partner"), widget=GovSubmitInput())


class AddPartnerForm(FlaskForm):
    row_version = HiddenField()
    organisation = SelectField(
        _l("Organisation"),
        widget=GovSelect(),
        choices=[],
        validators=[DataRequired(message=_l("Choose the organisation to add"))],
    )
    submit = SubmitField(_l("Add partner"), widget=GovSubmitInput())


class RemoveForm(FlaskForm):
    """The confirmation page's button: removes one partner, data item or row."""

    row_version = HiddenField()
    submit = SubmitField(_l("Yes, remove it"), widget=GovSubmitInput())


class DataItemForm(FlaskForm):
    row_version = HiddenField()
    category = StringField(
        _l("Category of information"),
        description=_l("For example, ‘Child protection plan status’ or ‘Attendance at A&E’"),
        widget=GovTextInput(),
        validators=[Optional()],
    )
    description = TextAreaField(
        _l("Description (optional)"), widget=GovTextArea(), validators=[Optional()]
    )
    is_special_category = BooleanField(
        _l(
            "This is special category data (health, ethnicity, religion, sex life or orientation, biometric or genetic)"
        ),
        widget=GovCheckboxInput(),
    )
    source_partner_id = SelectField(
        _l("Which partner provides it?"), widget=GovSelect(), choices=[], validators=[Optional()]
    )
    recipient_partner_ids = MultiCheckboxField(_l("Which partners receive it?"), choices=[])
    article6 = MultiCheckboxField(_l("UK GDPR Article 6 lawful basis"), choices=[])
    article9 = MultiCheckboxField(
        _l("UK GDPR Article 9 condition (special category data only)"), choices=[]
    )
    schedule1 = MultiCheckboxField(_l("Data Protection Act 2018 Schedule 1 condition"), choices=[])
    policy_document_ref = StringField(
        _l("Appropriate policy document reference"),
        description=_l(
            "Needed when relying on Schedule 1 Part 1 paragraph 1 or a Part 2 condition"
        ),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=300)],
    )
    para18_reason = RadioField(
        _l("Why consent is not relied on (only with Schedule 1 paragraph 18)"),
        widget=GovRadioInput(),
        choices=[],
        validate_choice=False,
        validators=[Optional()],
    )
    is_criminal_offence = BooleanField(
        _l(
            "This is criminal offence data (allegations, proceedings, convictions or offences: UK GDPR Article 10)"
        ),
        widget=GovCheckboxInput(),
    )
    criminal_offence_condition = SelectField(
        _l("Schedule 1 condition for the criminal offence data"),
        description=_l("A condition in Part 1, 2 or 3 of Schedule 1 to the DPA 2018"),
        widget=GovSelect(),
        choices=[],
        validate_choice=False,
        validators=[Optional()],
    )
    other_basis = TextAreaField(
        _l("Other powers or bases (optional)"), widget=GovTextArea(), validators=[Optional()]
    )
    submit = SubmitField(_l("Save data item"), widget=GovSubmitInput())

    def set_law_choices(self, locale: str) -> None:
        self.article6.choices = [
            (e.code, f"{e.citation_for(locale)}: {e.label(locale)}") for e in ARTICLE6
        ]
        self.article9.choices = [
            (e.code, f"{e.citation_for(locale)}: {e.label(locale)}") for e in ARTICLE9
        ]
        self.schedule1.choices = [
            (e.code, f"{e.citation_for(locale)}: {e.label(locale)}")
            for e in SCHEDULE1
            if e.extra["article9"]
        ]
        self.para18_reason.choices = [("", _("Not relying on paragraph 18"))] + [
            (e.code, f"{e.citation_for(locale)}: {e.label(locale)}") for e in PARA18_REASONS
        ]
        self.criminal_offence_condition.choices = [("", _("Choose a condition"))] + [
            (e.code, f"{e.citation_for(locale)}: {e.label(locale)}") for e in SCHEDULE1
        ]


class FlowForm(FlaskForm):
    row_version = HiddenField()
    what = TextAreaField(
        _l("What information is shared"), widget=GovTextArea(), validators=[Optional()]
    )
    from_partner_id = SelectField(
        _l("Shared by"), widget=GovSelect(), choices=[], validators=[Optional()]
    )
    to_partner_id = SelectField(
        _l("Shared with"), widget=GovSelect(), choices=[], validators=[Optional()]
    )
    method = TextAreaField(_l("How it is shared"), widget=GovTextArea(), validators=[Optional()])
    security = TextAreaField(
        _l("How it is kept secure"), widget=GovTextArea(), validators=[Optional()]
    )
    frequency = StringField(
        _l("How often"), widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    purpose = TextAreaField(_l("Why it is shared"), widget=GovTextArea(), validators=[Optional()])
    submit = SubmitField(_l("Save row"), widget=GovSubmitInput())


class VersionActionForm(FlaskForm):
    """A button that acts on a version (submit): carries the version's ETag."""

    etag = HiddenField()
    submit = SubmitField(_l("Submit for quality assurance"), widget=GovSubmitInput())


class SubmitForQaForm(VersionActionForm):
    """Submitting a version: to which QA group (the choices are set by the view)."""

    qa_group = SelectField(
        _l("QA group"),
        description=_l("The regional WASPI QA group that will review it"),
        widget=GovSelect(),
        choices=[],
        validators=[Optional()],
    )


class QaDecisionForm(FlaskForm):
    """The QA reviewer's decision on the version whose ETag it carries."""

    etag = HiddenField()
    decision = RadioField(
        _l("Your decision"),
        choices=[
            ("approve", _l("Approve: it meets the QA checklist")),
            ("return", _l("Return it to the authors with comments")),
        ],
        widget=GovRadioInput(),
        validators=[
            InputRequired(message=_l("Choose whether to approve the agreement or return it"))
        ],
    )
    comments = TextAreaField(
        _l("Comments"),
        description=_l("Required when returning it: say what the authors need to change."),
        widget=GovTextArea(),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Record decision"), widget=GovSubmitInput())


class SignForm(FlaskForm):
    etag = HiddenField()
    confirm = BooleanField(
        _l("I confirm that I am authorised to sign this agreement on behalf of my organisation"),
        widget=GovCheckboxInput(),
        validators=[
            DataRequired(
                message=_l("Confirm that you are authorised to sign for your organisation")
            )
        ],
    )
    submit = SubmitField(_l("Sign the agreement"), widget=GovSubmitInput())


class PaperSignatureForm(FlaskForm):
    etag = HiddenField()
    signed_on = DateField(
        _l("Date signed on paper"),
        description=_l("The date beside the signature, for example 27 11 2026"),
        format="%d %m %Y",
        widget=UKDateInput(),
        validators=[
            InputRequired(message=_l("Enter the date the signatory signed the page")),
        ],
    )
    scan = FileField(
        _l("Scan of the signed page"),
        description=_l("A PDF, PNG or JPEG file, smaller than 5 MB."),
        widget=GovFileInput(),
    )
    confirm = BooleanField(
        _l(
            "I confirm that the signatory named for my organisation signed this version of the agreement on paper on that date"
        ),
        widget=GovCheckboxInput(),
        validators=[DataRequired(message=_l("Confirm that the signatory signed it on paper"))],
    )
    submit = SubmitField(_l("Record the signature"), widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    etag = HiddenField()
    reason = TextAreaField(
        _l("Why is the agreement being withdrawn?"),
        widget=GovTextArea(),
        validators=[
            DataRequired(message=_l("Enter the reason for withdrawing the agreement")),
            Length(max=5000),
        ],
    )
    submit = SubmitField(_l("Withdraw the agreement"), widget=GovSubmitInput())


class NewVersionForm(FlaskForm):
    etag = HiddenField()
    change_summary = TextAreaField(
        _l("What will change in the new version? (optional)"),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=5000)],
    )
    submit = SubmitField(_l("Start a new version"), widget=GovSubmitInput())


class CompareForm(Form):
    old = SelectField(
        _l("Compare version"), widget=GovSelect(), choices=[], validators=[Optional()]
    )
    new = SelectField(_l("with version"), widget=GovSelect(), choices=[], validators=[Optional()])


class ImportUploadForm(FlaskForm):
    kind = RadioField(
        _l("What kind of agreement is it?"),
        choices=[(k.value, KIND_LABELS[k]) for k in ProtocolKind],
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose the kind of agreement"))],
    )
    file = FileField(
        _l("The agreement as a Word document (.docx)"),
        description=_l("Up to 8 MB. Save it from Word as .docx, without a password."),
        widget=GovFileInput(),
    )
    submit = SubmitField(_l("Upload and check"), widget=GovSubmitInput())


def import_confirm_form_class(partner_count: int, choices: list[tuple[str, str]]):
    """The review form: the title and, for each partner found, the register entry to add
    (or none, to leave it out)."""

    class ImportConfirmForm(FlaskForm):
        title = StringField(
            _l("Title"),
            widget=GovTextInput(),
            validators=[
                DataRequired(message=_l("Enter a title for the agreement")),
                Length(max=300, message=_l("The title must be 300 characters or fewer")),
            ],
        )
        submit = SubmitField(_l("Create the draft"), widget=GovSubmitInput())

    options = [("", _("Leave this partner out"))] + choices
    for index in range(partner_count):
        setattr(
            ImportConfirmForm,
            f"partner_{index}",
            SelectField(_l("Organisation on the register"), choices=options, widget=GovSelect()),
        )
    return ImportConfirmForm
