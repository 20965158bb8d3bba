"""XLSForm: agencies' forms into the question bank, and the questionnaire out as a form."""
