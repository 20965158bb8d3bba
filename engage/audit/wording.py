"""What each recorded action is called in words, and which kind of action it is.

The trail stores a stable code for each action ("panels.vote.start_voting"); people
read it as words ("Started voting"). Downloads are recorded under their file's name
and API pulls under their request line, which read as they are. No Flask in here.
"""

DOWNLOAD = "download"
API = "api"
ACCOUNT = "account"
QUESTIONNAIRE = "questionnaire"
BANK = "bank"
EVENT = "event"
PANEL = "panel"
RESULTS = "results"
# The kind recorded before kinds said what an action was about; read as "Other".
ADMIN = "admin"

KINDS = {
    DOWNLOAD: "Downloads",
    API: "API pulls",
    ACCOUNT: "Accounts and sign-in",
    QUESTIONNAIRE: "Questionnaire",
    BANK: "Question bank and XLSForms",
    EVENT: "Events and kiosks",
    PANEL: "Citizens' panels",
    RESULTS: "Results",
}

# code -> (kind, words)
ACTIONS: dict[str, tuple[str, str]] = {
    # Accounts
    "accounts.sign-in": (ACCOUNT, "Signed in"),
    "accounts.sign-out": (ACCOUNT, "Signed out"),
    "users.create": (ACCOUNT, "Created an account"),
    "users.set-password": (ACCOUNT, "Set a new password for an account"),
    "users.change-own-password": (ACCOUNT, "Changed their own password"),
    "users.deactivate": (ACCOUNT, "Deactivated an account"),
    "users.reactivate": (ACCOUNT, "Reactivated an account"),
    "users.set-role": (ACCOUNT, "Changed an account's role"),
    "users.grant-free-text": (ACCOUNT, "Gave access to free-text answers"),
    "users.revoke-free-text": (ACCOUNT, "Took away access to free-text answers"),
    "tokens.create": (ACCOUNT, "Created an API token"),
    "tokens.revoke": (ACCOUNT, "Revoked an API token"),
    # The questionnaire
    "questionnaire.start_draft": (QUESTIONNAIRE, "Started a draft of the questionnaire"),
    "questionnaire.details": (QUESTIONNAIRE, "Changed the draft's title or introduction"),
    "questionnaire.add_section": (QUESTIONNAIRE, "Added a section to the draft"),
    "questionnaire.edit_section": (QUESTIONNAIRE, "Changed a section of the draft"),
    "questionnaire.add_question": (QUESTIONNAIRE, "Added a question to the draft"),
    "questionnaire.edit_question": (QUESTIONNAIRE, "Changed a question of the draft"),
    "questionnaire.add_option": (QUESTIONNAIRE, "Added an option to the draft"),
    "questionnaire.edit_option": (QUESTIONNAIRE, "Changed an option of the draft"),
    "questionnaire.delete": (QUESTIONNAIRE, "Removed an item from the draft"),
    "questionnaire.move": (QUESTIONNAIRE, "Moved an item in the draft"),
    "questionnaire.comparable": (QUESTIONNAIRE, "Marked whether a change keeps results comparable"),
    "questionnaire.translations": (QUESTIONNAIRE, "Edited a translation"),
    "questionnaire.import_draft": (QUESTIONNAIRE, "Made the draft from an XLSForm"),
    "questionnaire.publish": (QUESTIONNAIRE, "Published a version of the questionnaire"),
    # The question bank and XLSForms
    "bank.propose": (BANK, "Proposed a question"),
    "bank.join": (BANK, "Tagged their agency onto a question"),
    "bank.accept": (BANK, "Accepted a proposed question"),
    "bank.reject": (BANK, "Rejected a proposed question"),
    "xlsform.import": (BANK, "Imported an XLSForm to check against the bank"),
    "xlsform.tag": (BANK, "Tagged an agency onto a question from an XLSForm"),
    "xlsform.propose": (BANK, "Proposed a question from an XLSForm"),
    # Events and kiosks
    "events.create": (EVENT, "Created an event"),
    "events.edit": (EVENT, "Changed an event"),
    "events.new_link": (EVENT, "Issued a new kiosk link"),
    "events.import_queue": (EVENT, "Imported a kiosk queue file"),
    # Results
    "results.recount": (RESULTS, "Recounted the results"),
    "public_results": (RESULTS, "Chose the questions on the public page"),
    "maps.boundaries": (RESULTS, "Loaded the wards' boundaries for the map"),
    "weights.targets": (RESULTS, "Loaded population targets for weighting"),
    "weights.compute": (RESULTS, "Asked for the weights to be computed"),
    "areas.attributes": (RESULTS, "Loaded facts about the wards (area attributes)"),
    "waves.create": (RESULTS, "Added a wave of the survey"),
    "waves.edit": (RESULTS, "Changed a wave of the survey"),
    "waves.delete": (RESULTS, "Deleted a wave of the survey"),
    "exports.request": (DOWNLOAD, "Asked for a file to be prepared"),
    # Citizens' panels: recruitment and selection by lot
    "selection.start": (PANEL, "Started recruiting a panel"),
    "selection.settings": (PANEL, "Changed a panel's recruitment settings"),
    "selection.facilitators": (PANEL, "Chose who sees volunteers' contact details"),
    "selection.quotas": (PANEL, "Set a panel's quotas"),
    "selection.quotas.derive": (PANEL, "Derived quotas from the population targets"),
    "selection.letters": (PANEL, "Printed invitation letters to a sample of addresses"),
    "selection.import": (PANEL, "Imported a list of volunteers"),
    "selection.publish.request": (PANEL, "Asked for the pool to be published"),
    "selection.publish": (PANEL, "Published the pool and every selection probability"),
    "selection.withdraw": (PANEL, "Withdrew the pool's publication"),
    "selection.seed": (PANEL, "Fixed the draw's seed"),
    "selection.draw": (PANEL, "Drew the panel by lot"),
    "selection.replace": (PANEL, "Drew replacements for members who dropped out"),
    "selection.member_letters": (PANEL, "Printed letters with voter codes to the members"),
    "selection.delete_contacts": (PANEL, "Deleted volunteers' contact details"),
    # Citizens' panels
    "panels.panel.create": (PANEL, "Created a panel"),
    "panels.panel.update": (PANEL, "Changed a panel"),
    "panels.vote.create": (PANEL, "Created a vote"),
    "panels.vote.update": (PANEL, "Changed a vote"),
    "panels.vote.window": (PANEL, "Set the voting times"),
    "panels.vote.open_proposals": (PANEL, "Opened the vote for proposals"),
    "panels.vote.start_deliberation": (PANEL, "Started deliberation"),
    "panels.vote.start_voting": (PANEL, "Started voting"),
    "panels.vote.close": (PANEL, "Closed voting"),
    "panels.vote.count": (PANEL, "Counted the votes"),
    "panels.vote.publish": (PANEL, "Published the result"),
    "panels.vote.step_back": (PANEL, "Moved the vote back a phase"),
    "panels.option.add": (PANEL, "Added an option"),
    "panels.option.edit": (PANEL, "Changed an option"),
    "panels.option.evidence": (PANEL, "Added options from the survey"),
    "panels.option.merge": (PANEL, "Merged two options"),
    "panels.option.reject": (PANEL, "Rejected an option"),
    "panels.comment.add": (PANEL, "Commented on an option"),
    "panels.comment.hide": (PANEL, "Hid a member's comment"),
    "panels.comment.reply": (PANEL, "Replied to a comment"),
    "panels.comment.answer": (PANEL, "Gave the official answer to a member's question"),
    "panels.comment.answer_edit": (PANEL, "Changed the official answer to a member's question"),
    "panels.digest.sent": (PANEL, "Marked a digest of the discussion as sent"),
    "panels.codes.generate": (PANEL, "Made voter cards"),
    "panels.codes.void": (PANEL, "Cancelled voter cards"),
    "panels.paper.enter": (PANEL, "Entered a paper ballot"),
    "panels.paper.import": (PANEL, "Imported paper ballots"),
    "panels.paper.rules": (PANEL, "Chose how marked paper ballots are read"),
    "panels.member.propose": (PANEL, "A panel member proposed an option"),
    "panels.member.support": (PANEL, "A panel member supported an option"),
    "panels.member.comment": (PANEL, "A panel member commented on an option"),
    "panels.member.reply": (PANEL, "A panel member replied to a comment"),
}


def kind_of(action: str, given: str) -> str:
    """The kind an action belongs to: from the table, else what the caller said."""
    known = ACTIONS.get(action)
    return known[0] if known else given


def words(action: str, kind: str) -> str:
    """The action as a person reads it."""
    known = ACTIONS.get(action)
    if known:
        return known[1]
    if kind == DOWNLOAD:
        return f"Downloaded {action}"
    if kind == API:
        return f"Pulled {action} through the API"
    return action.replace("_", " ").replace(".", ": ").capitalize()
